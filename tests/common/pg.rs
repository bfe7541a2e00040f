//! PostgreSQL for the tests: a database of its own on the server
//! `SOPBOOK_TEST_POSTGRES_URL` names (`.ci/run` starts one), or a whole
//! server of its own for a test that stops it. Without the variable these
//! tests say they were skipped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The test server's URL, or `None` after saying that `test` was skipped.
pub fn admin_url(test: &str) -> Option<String> {
    match std::env::var("SOPBOOK_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            eprintln!(
                "skipped {test} on PostgreSQL: SOPBOOK_TEST_POSTGRES_URL is not set (.ci/run sets it)"
            );
            None
        }
    }
}

/// A database of its own on the test server, dropped at the end.
pub struct PgDb {
    admin: String,
    pub name: String,
    pub url: String,
}

impl PgDb {
    pub fn new(test: &str) -> Option<PgDb> {
        let admin = admin_url(test)?;
        Some(PgDb::on(
            &admin,
            &format!("sopbook_{}_{test}", std::process::id()),
        ))
    }

    /// A database `name` on the server `admin` names.
    pub fn on(admin: &str, name: &str) -> PgDb {
        let mut client = postgres::Client::connect(admin, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        PgDb {
            admin: admin.to_string(),
            name: name.to_string(),
            url: format!("{base}/{name}"),
        }
    }

    /// A client connected to this database, as its owner.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A throwaway PostgreSQL server of its own, found and started as
/// `.ci/run` does (as the `postgres` user when the tests run as root),
/// for a test that stops and starts it.
pub struct PgServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
    pub port: u16,
}

impl PgServer {
    /// `None` (saying why) when the tests have no PostgreSQL.
    pub fn start(test: &str) -> Option<PgServer> {
        admin_url(test)?;
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
            .unwrap_or_default();
        bins.retain(|b| b.join("initdb").exists());
        bins.sort_by_key(|b| {
            b.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0)
        });
        let Some(bin) = bins.pop() else {
            eprintln!("skipped {test}: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        if as_postgres {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = PgServer {
            bin,
            dir,
            as_postgres,
            port,
        };
        let data = server.dir.path().join("data");
        server.pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
            ],
        );
        server.up();
        Some(server)
    }

    fn pg(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server and waits until it answers.
    pub fn up(&self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        self.pg(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-w",
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "start",
            ],
        );
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    pub fn down(&self) {
        let data = self.dir.path().join("data");
        self.pg(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
    }

    /// A server of its own that speaks TLS only (`ssl = on`, and
    /// `pg_hba.conf` lets no connection in the clear in), with the PEM
    /// certificate chain `cert` and key `key`.
    pub fn start_tls(test: &str, cert: &str, key: &str) -> Option<PgServer> {
        let server = PgServer::start(test)?;
        server.down();
        let data = server.dir.path().join("data");
        for (name, text) in [("server.crt", cert), ("server.key", key)] {
            let file = data.join(name);
            std::fs::write(&file, text).unwrap();
            let mut perms = std::fs::metadata(&file).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
            std::fs::set_permissions(&file, perms).unwrap();
            if server.as_postgres {
                let ok = Command::new("chown")
                    .arg("postgres")
                    .arg(&file)
                    .status()
                    .unwrap();
                assert!(ok.success());
            }
        }
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).unwrap();
        text.push_str("\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        std::fs::write(&conf, text).unwrap();
        std::fs::write(
            data.join("pg_hba.conf"),
            "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\nlocal all all trust\n",
        )
        .unwrap();
        server.up();
        Some(server)
    }

    /// The administrator's URL (user `postgres`, trusted on loopback).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let _ = cmd
            .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
            .output();
    }
}

/// The `base` fixture keeping its records at `url`, every document in
/// force, cay signed in for the shift and holding an API token: the
/// workspace and the token.
pub fn base_on(url: &str) -> (super::common::Ws, String) {
    use super::common::{PASSWORD, Ws};
    let ws = Ws::fixture("base");
    let toml = ws.read("sopbook.toml");
    ws.write("sopbook.toml", &format!("database = \"{url}\"\n{toml}"));
    ws.release_all();
    let login = ws.run_env(&["login", "--as", "cay"], &[("SOPBOOK_PASSWORD", PASSWORD)]);
    assert_eq!(login.code, 0, "{}", login.stderr);
    let token = ws.run_env(
        &["token", "create", "--as", "cay"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(token.code, 0, "{}", token.stderr);
    let token = token.stdout.trim().to_string();
    (ws, token)
}

/// `sopbook serve` for `ws` on a free loopback port, once it answers: the
/// process and the port.
pub fn serving(ws: &super::common::Ws) -> (std::process::Child, u16) {
    use std::time::{Duration, Instant};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(ws.path())
        .env_remove("SOPBOOK_PASSWORD")
        .env_remove("SOPBOOK_WORKSPACE")
        .env_remove("SOPBOOK_DATABASE")
        .env("XDG_CONFIG_HOME", ws.path().join(".test-config"))
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sopbook serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (serve, port)
}

/// The arguments of `sopbook inspect` recording a passing CL-001 of the
/// `base` fixture for lot `lot`, serial `serial`, by cay.
pub fn passing_inspection<'a>(lot: &'a str, serial: &'a str) -> [&'a str; 18] {
    [
        "inspect",
        "CL-001",
        "--lot",
        lot,
        "--serial",
        serial,
        "--as",
        "cay",
        "--set",
        "label=p",
        "--set",
        "length=120.1",
        "--set",
        "finish=good",
        "--set",
        "scratches=0",
        "--set",
        "remarks=fine",
    ]
}
