//! TLS to PostgreSQL: a throwaway server of its own that lets no
//! connection in the clear in, its certificate signed by an authority made
//! here. `sslmode=verify-full` with that authority connects to the name the
//! certificate gives; another authority, another name, a missing
//! `sslrootcert` file and a server without TLS are refused with the server's
//! name and what to do. Skipped (saying so) without `SOPBOOK_TEST_POSTGRES_URL`
//! or the server's binaries.

mod common;
#[path = "common/pg.rs"]
mod pg;

use common::{Run, Ws};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// An authority named `name`: its certificate (PEM) and its issuer.
fn authority(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

/// A server certificate for `names` signed by `issuer`: chain and key (PEM).
fn server_cert(names: &[&str], issuer: &Issuer<'_, KeyPair>) -> (String, String) {
    let params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn db_status(ws: &Ws, url: &str) -> Run {
    ws.run_env(&["db", "status"], &[("SOPBOOK_DATABASE", url)])
}

#[test]
fn verify_full_connects_to_the_name_and_authority_of_the_servers_certificate_and_nothing_else() {
    let (ca, issuer) = authority("Plant QC test authority");
    let (other_ca, _) = authority("Someone else's authority");
    let (cert, key) = server_cert(&["localhost"], &issuer);
    let Some(server) = pg::PgServer::start_tls("pg_tls", &cert, &key) else {
        return;
    };
    let ws = Ws::fixture("base");
    ws.write("certs/plant-ca.pem", &ca);
    ws.write("certs/other-ca.pem", &other_ca);
    let port = server.port;
    let shown = format!("postgres://postgres@localhost:{port}/postgres");

    // The right name and authority (a path relative to the workspace).
    let run = db_status(
        &ws,
        &format!("{shown}?sslmode=verify-full&sslrootcert=certs/plant-ca.pem"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains(&format!("Records:  PostgreSQL at {shown}")),
        "{}",
        run.stdout
    );
    // The server lets nothing in the clear in: these connected over TLS.
    for query in [
        "?sslmode=require".to_string(),
        String::new(),
        format!(
            "?sslmode=verify-ca&sslrootcert={}",
            ws.path().join("certs/plant-ca.pem").display()
        ),
    ] {
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres{query}");
        let run = db_status(&ws, &url);
        assert_eq!(run.code, 0, "{url}: {}", run.stderr);
    }

    // Another authority.
    let run = db_status(
        &ws,
        &format!("{shown}?sslmode=verify-full&sslrootcert=certs/other-ca.pem"),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "error: the PostgreSQL server localhost:{port} holding the records `{shown}` showed a certificate that none of the authorities in [ROOT]/certs/other-ca.pem signed; nothing was read or written\n\nhelp: name the certificate of the authority that signed the server's in the URL (sslrootcert=/path/to/ca.pem), or check that the URL names the right server\n"
        )
    );
    // `require` with a root certificate checks it, as libpq does.
    let run = db_status(
        &ws,
        &format!("{shown}?sslmode=require&sslrootcert=certs/other-ca.pem"),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("none of the authorities"),
        "{}",
        run.stderr
    );

    // The right authority, but the server named by another name.
    let by_address = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let run = db_status(
        &ws,
        &format!("{by_address}?sslmode=verify-full&sslrootcert=certs/plant-ca.pem"),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "error: the PostgreSQL server 127.0.0.1:{port} holding the records `{by_address}` showed a certificate made for another name than `127.0.0.1`; nothing was read or written\n\nhelp: write the server's name as its certificate gives it in the URL, or ask whoever runs the server for a certificate that names `127.0.0.1`\n"
        )
    );

    // An authority file that is not there.
    let run = db_status(
        &ws,
        &format!("{shown}?sslmode=verify-full&sslrootcert=certs/missing.pem"),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "error: `[ROOT]/certs/missing.pem` (sslrootcert in `{shown}`) does not exist; nothing was read or written\n\nhelp: give sslrootcert the certificate of the authority that signed the server's certificate, as a PEM file\n"
        )
    );

    // No password or setting of the URL is ever shown.
    let run = db_status(
        &ws,
        &format!(
            "postgres://postgres:pw-XYZ-123@localhost:{port}/postgres?sslmode=verify-full&sslrootcert=certs/other-ca.pem"
        ),
    );
    assert!(!run.stderr.contains("pw-XYZ-123"), "{}", run.stderr);
}

#[test]
fn require_refuses_a_server_that_does_not_offer_tls() {
    let Some(admin) = pg::admin_url("require_without_tls") else {
        return;
    };
    // The test server (.ci/run's) speaks in the clear only.
    let base = admin.split_once('?').map_or(admin.as_str(), |(b, _)| b);
    let shown = {
        let after = base.split_once("://").unwrap().1;
        let (user, rest) = after.rsplit_once('@').unwrap();
        let user = user.split_once(':').map_or(user, |(u, _)| u);
        let (host, db) = rest.split_once('/').unwrap();
        let host = if host.contains(':') {
            host.to_string()
        } else {
            format!("{host}:5432")
        };
        (format!("postgres://{user}@{host}/{db}"), host)
    };
    let ws = Ws::fixture("base");
    let run = db_status(&ws, &format!("{base}?sslmode=require"));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "error: the PostgreSQL server {} holding the records `{}` does not offer TLS, and sslmode=require asks for it; nothing was read or written\n\nhelp: turn TLS on in the server (ssl = on in postgresql.conf, with its certificate and key); only on a network you trust, connect in the clear with sslmode=prefer\n",
            shown.1, shown.0
        )
    );
    // `prefer`, the default, falls back to the clear.
    let run = db_status(&ws, &format!("{base}?sslmode=prefer"));
    assert_eq!(run.code, 0, "{}", run.stderr);
}
