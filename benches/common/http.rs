//! For the benchmarks that load `sopbook serve`: the binary run in a
//! workspace, the server started, and a bare HTTP/1.1 client (kept
//! connections on loopback, no TLS, no client library in the way).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::common::{PASSWORD, sopbook};

/// One keep-alive HTTP/1.1 connection to the server.
pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    pub fn open(port: u16) -> Connection {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Sends a request; the status and the body.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\n");
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        self.writer.write_all(request.as_bytes()).unwrap();
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {status_line:?}"));
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// A free port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `sopbook` run in the workspace at `root`, with a config folder of its own.
pub fn sopbook_cmd(root: &Path) -> Command {
    let mut cmd = Command::new(sopbook());
    cmd.current_dir(root)
        .env("XDG_CONFIG_HOME", root.join(".config"))
        .env("NO_COLOR", "1")
        .env_remove("SOPBOOK_DATABASE")
        .env_remove("SOPBOOK_WORKSPACE");
    cmd
}

/// Runs `sopbook ARGS` (with the password when asked) and gives what it printed.
pub fn ok(root: &Path, args: &[&str], password: bool) -> String {
    let mut cmd = sopbook_cmd(root);
    cmd.args(args);
    if password {
        cmd.env("SOPBOOK_PASSWORD", PASSWORD);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "sopbook {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `sopbook serve` on `port`, once it says it is serving.
pub fn serve(root: &Path, port: u16) -> Child {
    let mut child = sopbook_cmd(root)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--station", "bench", "--idle", "off"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("Serving the floor") {
            // Keep reading what it says, so it never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return child;
        }
    }
    let _ = child.wait();
    panic!("sopbook serve stopped before serving");
}
