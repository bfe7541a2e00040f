//! Where PostgreSQL records are: `postgres://user[:password]@host[:port]/db`.
//! The password is kept apart from everything that is shown: the URL prints
//! (`Display`, `Debug`) as `postgres://user@host:port/db`, and messages name
//! the records by that form only. `?sslmode=...&sslrootcert=...` say how
//! the connection is protected, as libpq reads them (see `pg_tls`).

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

/// A password that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

/// Where the password came from, for messages (never the password itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFrom {
    Url,
    Environment,
    PassFile,
    None,
}

/// Whether and how the connection to the server is protected by TLS, as
/// libpq's `sslmode` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// In the clear.
    Disable,
    /// In the clear (libpq would switch to TLS if the server insisted;
    /// sopbook does not: use `require` for TLS).
    Allow,
    /// TLS when the server offers it, else in the clear; the certificate
    /// is not checked. libpq's default, and sopbook's.
    Prefer,
    /// TLS or no connection; the certificate is not checked, unless
    /// `sslrootcert` is given (then as `VerifyCa`, as in libpq).
    Require,
    /// TLS with a certificate signed by an authority the station trusts.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host of the URL.
    VerifyFull,
}

impl SslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// The authorities a station trusts to sign the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    /// The certificates in this PEM file (`sslrootcert=PATH`): a private CA.
    File(PathBuf),
    /// The station's own trusted certificates (no `sslrootcert`, or
    /// `sslrootcert=system`).
    System,
}

/// A PostgreSQL records location.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    pub user: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub ssl: SslMode,
    pub root_cert: RootCert,
    password: Option<Secret>,
    from: PasswordFrom,
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "postgres://{}@{}:{}/{}",
            self.user, host, self.port, self.dbname
        )
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgUrl")
            .field("url", &self.to_string())
            .field("ssl", &self.ssl)
            .field("root_cert", &self.root_cert)
            .field("password", &self.from)
            .finish()
    }
}

/// Where the records are, as sopbook.toml or `SOPBOOK_DATABASE` says: a
/// SQLite path or a URL. Its `Debug` leaves out a URL's password, so a
/// setting printed for debugging never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseSpec(String);

impl DatabaseSpec {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseSpec {
    fn from(s: String) -> Self {
        DatabaseSpec(s)
    }
}

impl fmt::Debug for DatabaseSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.0.split_once("://") {
            Some((scheme, rest)) => {
                let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                match authority.rsplit_once('@') {
                    Some((user, host)) => {
                        let user = user.split_once(':').map_or(user, |(u, _)| u);
                        format!("{scheme}://{user}@{host}/{path}")
                    }
                    None => self.0.clone(),
                }
            }
            None => self.0.clone(),
        };
        f.debug_tuple("DatabaseSpec").field(&shown).finish()
    }
}

/// Whether `spec` names PostgreSQL records.
pub fn is_postgres(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Decodes `%XX` escapes; `None` when an escape is broken or not UTF-8.
fn unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl PgUrl {
    /// Reads `spec`; the password is taken from the URL, else from
    /// `pgpassword` (`PGPASSWORD`), else from the pass file `passfile`
    /// (`PGPASSFILE` or `~/.pgpass`). Errors show the URL without its password.
    pub fn parse(spec: &str, pgpassword: Option<&str>, passfile: Option<&Path>) -> Result<PgUrl> {
        let (_, rest) = spec
            .split_once("://")
            .ok_or_else(|| anyhow!("a PostgreSQL location starts with postgres://"))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, db) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((user, pw)) => (user, Some(pw)),
                None => (u, None),
            },
            None => ("", None),
        };
        let shown_spec = match userinfo {
            Some(_) => format!("postgres://{user}@{hostport}/{db}"),
            None => format!("postgres://{hostport}/{db}"),
        };
        let bad = |what: &str| {
            anyhow!(
                "`{shown_spec}` is not a PostgreSQL location sopbook can use: {what}\n\nhelp: write it as postgres://user@host:port/database (the password in PGPASSWORD or ~/.pgpass)"
            )
        };
        let mut ssl = SslMode::Prefer;
        let mut root_cert = RootCert::System;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    ssl = SslMode::parse(value).ok_or_else(|| {
                        bad(&format!(
                            "sslmode is one of disable, allow, prefer, require, verify-ca or verify-full, not `{value}`"
                        ))
                    })?;
                }
                "sslrootcert" => {
                    let path =
                        unescape(value).ok_or_else(|| bad("sslrootcert has a broken % escape"))?;
                    root_cert = match path.as_str() {
                        "" => return Err(bad("sslrootcert names no file")),
                        "system" => RootCert::System,
                        _ => RootCert::File(PathBuf::from(path)),
                    };
                }
                _ => return Err(bad(&format!("sopbook does not know the setting `{key}`"))),
            }
        }
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("the host's `[` is not closed"))?;
            (h.to_string(), after.strip_prefix(':').unwrap_or(""))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p),
                None => (hostport.to_string(), ""),
            }
        };
        let port = if port.is_empty() {
            5432
        } else {
            port.parse::<u16>()
                .map_err(|_| bad("the port is not a number from 1 to 65535"))?
        };
        let host = if host.is_empty() {
            "localhost".to_string()
        } else {
            host
        };
        let user = unescape(user).ok_or_else(|| bad("the user name has a broken % escape"))?;
        let user = if user.is_empty() {
            std::env::var("PGUSER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "postgres".to_string())
        } else {
            user
        };
        let dbname = unescape(db).ok_or_else(|| bad("the database name has a broken % escape"))?;
        let dbname = if dbname.is_empty() {
            user.clone()
        } else {
            dbname
        };
        let mut url = PgUrl {
            user,
            host,
            port,
            dbname,
            ssl,
            root_cert,
            password: None,
            from: PasswordFrom::None,
        };
        if let Some(pw) = password {
            let pw = unescape(pw).ok_or_else(|| bad("the password has a broken % escape"))?;
            url.password = Some(Secret(pw));
            url.from = PasswordFrom::Url;
        } else if let Some(pw) = pgpassword.filter(|p| !p.is_empty()) {
            url.password = Some(Secret(pw.to_string()));
            url.from = PasswordFrom::Environment;
        } else if let Some(file) = passfile
            && let Ok(text) = std::fs::read_to_string(file)
            && let Some(pw) = url.password_in_pgpass(&text)
        {
            url.password = Some(Secret(pw));
            url.from = PasswordFrom::PassFile;
        }
        Ok(url)
    }

    /// Reads `spec` with the password from the environment as libpq would.
    pub fn from_env(spec: &str) -> Result<PgUrl> {
        let pgpassword = std::env::var("PGPASSWORD").ok();
        PgUrl::parse(spec, pgpassword.as_deref(), default_passfile().as_deref())
    }

    /// The password for this location in a `~/.pgpass` text
    /// (`host:port:database:user:password`, `*` matches anything, `\:`
    /// and `\\` escape).
    fn password_in_pgpass(&self, text: &str) -> Option<String> {
        let port = self.port.to_string();
        for line in text.lines() {
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut fields: Vec<String> = vec![String::new()];
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            fields.last_mut()?.push(n);
                        }
                    }
                    ':' if fields.len() < 5 => fields.push(String::new()),
                    c => fields.last_mut()?.push(c),
                }
            }
            if fields.len() != 5 {
                continue;
            }
            let fits = |pattern: &str, value: &str| pattern == "*" || pattern == value;
            let host_fits = fits(&fields[0], &self.host)
                || (fields[0] == "localhost" && self.host.starts_with('/'));
            if host_fits
                && fits(&fields[1], &port)
                && fits(&fields[2], &self.dbname)
                && fits(&fields[3], &self.user)
            {
                return Some(fields[4].clone());
            }
        }
        None
    }

    /// The password, to hand to the server only.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    pub fn password_from(&self) -> PasswordFrom {
        self.from
    }

    /// The same server and user, another database (tests make their own).
    pub fn with_dbname(&self, dbname: &str) -> PgUrl {
        PgUrl {
            dbname: dbname.to_string(),
            ..self.clone()
        }
    }

    /// The same location with a relative `sslrootcert` taken from `root`
    /// (the workspace, or the station's current folder).
    pub fn rooted(mut self, root: &Path) -> PgUrl {
        if let RootCert::File(file) = &self.root_cert
            && file.is_relative()
        {
            self.root_cert = RootCert::File(root.join(file));
        }
        self
    }

    /// The client configuration for this location.
    pub fn config(&self) -> postgres::Config {
        let mut c = postgres::Config::new();
        c.ssl_mode(match self.ssl {
            SslMode::Disable | SslMode::Allow => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        });
        c.host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name("sopbook")
            .connect_timeout(std::time::Duration::from_secs(10));
        if let Some(pw) = &self.password {
            c.password(pw.expose());
        }
        c
    }
}

/// `PGPASSFILE`, else `~/.pgpass`.
fn default_passfile() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("PGPASSFILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(f));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "s3cr3t-Pa55";

    fn shown_everywhere(url: &PgUrl) -> String {
        format!("{url} {url:?} {:?} {:?}", url.password(), url.config())
    }

    #[test]
    fn a_password_in_the_url_is_used_and_never_shown() {
        let url =
            PgUrl::parse(&format!("postgres://ann:{PW}@db.plant:6543/qc"), None, None).unwrap();
        assert_eq!(url.password().map(Secret::expose), Some(PW));
        assert_eq!(url.password_from(), PasswordFrom::Url);
        assert_eq!(url.to_string(), "postgres://ann@db.plant:6543/qc");
        let all = shown_everywhere(&url);
        assert!(!all.contains(PW), "{all}");
    }

    #[test]
    fn the_password_comes_password_in_pgpassword_then_the_pass_file() {
        let url = PgUrl::parse("postgres://ann@db/qc", Some(PW), None).unwrap();
        assert_eq!(url.password_from(), PasswordFrom::Environment);
        assert_eq!(url.password().map(Secret::expose), Some(PW));
        assert!(!shown_everywhere(&url).contains(PW));

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            format!("# stations\nother:5432:*:*:wrong\ndb:5432:qc:ann:{PW}\n*:*:*:*:fallback\n"),
        )
        .unwrap();
        let url = PgUrl::parse("postgres://ann@db/qc", None, Some(&file)).unwrap();
        assert_eq!(url.password_from(), PasswordFrom::PassFile);
        assert_eq!(url.password().map(Secret::expose), Some(PW));
        assert!(!shown_everywhere(&url).contains(PW));
        let url = PgUrl::parse("postgres://bob@db/qc", None, Some(&file)).unwrap();
        assert_eq!(url.password().map(Secret::expose), Some("fallback"));
    }

    #[test]
    fn a_bad_url_is_refused_without_showing_its_password() {
        for spec in [
            format!("postgres://ann:{PW}@db:notaport/qc"),
            format!("postgres://ann:{PW}@[::1/qc"),
            format!("postgres://ann:{PW}%zz@db/qc"),
        ] {
            let err = PgUrl::parse(&spec, None, None).unwrap_err();
            let all = format!("{err} {err:?} {err:#}");
            assert!(!all.contains(PW), "{all}");
            assert!(all.contains("postgres://ann@"), "{all}");
        }
    }

    #[test]
    fn a_setting_printed_for_debugging_leaves_the_password_out() {
        let spec = DatabaseSpec::from(format!("postgres://ann:{PW}@db:6543/qc?sslmode=disable"));
        let shown = format!("{spec:?}");
        assert!(!shown.contains(PW), "{shown}");
        assert!(shown.contains("postgres://ann@db:6543/qc"), "{shown}");
        let path = DatabaseSpec::from("records/records.db".to_string());
        assert_eq!(format!("{path:?}"), "DatabaseSpec(\"records/records.db\")");
    }

    #[test]
    fn sslmode_and_sslrootcert_are_read_as_libpq_reads_them() {
        let read = |q: &str| PgUrl::parse(&format!("postgres://ann@db/qc{q}"), None, None).unwrap();
        let url = read("");
        assert_eq!(
            (url.ssl, &url.root_cert),
            (SslMode::Prefer, &RootCert::System)
        );
        for (mode, ssl, client) in [
            (
                "disable",
                SslMode::Disable,
                postgres::config::SslMode::Disable,
            ),
            ("allow", SslMode::Allow, postgres::config::SslMode::Disable),
            ("prefer", SslMode::Prefer, postgres::config::SslMode::Prefer),
            (
                "require",
                SslMode::Require,
                postgres::config::SslMode::Require,
            ),
            (
                "verify-ca",
                SslMode::VerifyCa,
                postgres::config::SslMode::Require,
            ),
            (
                "verify-full",
                SslMode::VerifyFull,
                postgres::config::SslMode::Require,
            ),
        ] {
            let url = read(&format!("?sslmode={mode}"));
            assert_eq!(url.ssl, ssl);
            assert_eq!(url.ssl.as_str(), mode);
            assert_eq!(url.config().get_ssl_mode(), client, "{mode}");
            // Messages name the records without the settings.
            assert_eq!(url.to_string(), "postgres://ann@db:5432/qc");
        }
        let url = read("?sslmode=verify-full&sslrootcert=certs/plant%20ca.pem");
        assert_eq!(url.root_cert, RootCert::File("certs/plant ca.pem".into()));
        let url = url.rooted(Path::new("/srv/ws"));
        assert_eq!(
            url.root_cert,
            RootCert::File("/srv/ws/certs/plant ca.pem".into())
        );
        let url = read("?sslrootcert=/etc/qc/ca.pem").rooted(Path::new("/srv/ws"));
        assert_eq!(url.root_cert, RootCert::File("/etc/qc/ca.pem".into()));
        assert_eq!(read("?sslrootcert=system").root_cert, RootCert::System);
    }

    #[test]
    fn a_setting_sopbook_does_not_know_is_refused_without_showing_the_password() {
        let refused = |q: &str| {
            let err =
                PgUrl::parse(&format!("postgres://ann:{PW}@db/qc{q}"), None, None).unwrap_err();
            assert!(!format!("{err} {err:?} {err:#}").contains(PW));
            err.to_string()
        };
        assert_eq!(
            refused("?sslmode=verify"),
            "`postgres://ann@db/qc` is not a PostgreSQL location sopbook can use: sslmode is one of disable, allow, prefer, require, verify-ca or verify-full, not `verify`\n\nhelp: write it as postgres://user@host:port/database (the password in PGPASSWORD or ~/.pgpass)"
        );
        assert!(refused("?sslrootcert=").contains("sslrootcert names no file"));
        assert!(refused("?sslrootcert=%zz").contains("sslrootcert has a broken % escape"));
        assert!(
            refused("?connect_timeout=3").contains("does not know the setting `connect_timeout`")
        );
    }

    #[test]
    fn escapes_and_defaults_are_read() {
        let url = PgUrl::parse("postgresql://an%40n:p%3Aw@[::1]/", None, None).unwrap();
        assert_eq!(url.user, "an@n");
        assert_eq!(url.host, "::1");
        assert_eq!(url.port, 5432);
        assert_eq!(url.dbname, "an@n");
        assert_eq!(url.password().map(Secret::expose), Some("p:w"));
        assert_eq!(url.to_string(), "postgres://an@n@[::1]:5432/an@n");
    }
}
