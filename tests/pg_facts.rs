//! `sopbook serve` on PostgreSQL keeps what changes rarely (the documents'
//! records, lots, the roster, sign-ins and tokens) between requests. What
//! it keeps never lets through what the records no longer allow: a newer
//! revision in force, a checklist retired (its retirement signed after the
//! request was in the records), an API token revoked. Each is done with the
//! command line while the server runs, and the very next request is
//! refused. Skipped (saying so) without `SOPBOOK_TEST_POSTGRES_URL`.

mod common;
#[path = "common/pg.rs"]
mod pg;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `POST /api/v1/inspections` on a new connection: the status and the body.
fn post(port: u16, token: &str, key: &str, body: &str) -> (u16, String) {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let request = format!(
        "POST /api/v1/inspections HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    writer.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    let body = rest
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn inspection(serial: &str, revision: Option<i64>) -> String {
    let revision = revision.map_or(String::new(), |r| format!(r#","revision":{r}"#));
    format!(
        r#"{{"checklist":"CL-001","lot":"FACTS","serial":"{serial}"{revision},"entries":[{{"item":"label","value":"pass"}},{{"item":"length","value":120.1}},{{"item":"finish","value":"good"}},{{"item":"scratches","value":0}},{{"item":"remarks","value":"fine"}}]}}"#
    )
}

#[test]
fn what_the_server_keeps_never_lets_through_what_the_records_no_longer_allow() {
    let Some(db) = pg::PgDb::new("facts") else {
        return;
    };
    let (ws, token) = pg::base_on(&db.url);
    let (mut serve, port) = pg::serving(&ws);

    // Twice, so that the second is answered from what the server keeps.
    for k in 1..=2 {
        let (status, said) = post(
            port,
            &token,
            &format!("k{k}"),
            &inspection(&format!("S{k}"), Some(1)),
        );
        assert_eq!(status, 201, "{said}");
    }
    // A repeated key is answered with what it recorded, and records nothing.
    let (status, said) = post(port, &token, "k1", &inspection("S1", Some(1)));
    assert_eq!(status, 200, "{said}");
    assert!(said.contains(r#""replayed": true"#), "{said}");

    // A newer revision comes into force: a form of rev 1 is refused at once.
    ws.edit(
        "checklists/final-inspection.toml",
        "Label present and legible",
        "Label present, legible and straight",
    );
    ws.ok(&[
        "release",
        "CL-001",
        "--summary",
        "Straight labels",
        "--as",
        "ann",
    ]);
    let (status, said) = post(port, &token, "k3", &inspection("S3", Some(1)));
    assert_eq!(
        status, 201,
        "rev 1 is in force while rev 2 is in review: {said}"
    );
    ws.ok(&["approve", "CL-001", "--as", "bob"]);
    let (status, said) = post(port, &token, "k4", &inspection("S4", Some(1)));
    assert_eq!(status, 409, "{said}");
    assert!(said.contains("CL-001 rev 2 is in force now"), "{said}");
    let (status, said) = post(port, &token, "k5", &inspection("S5", Some(2)));
    assert_eq!(status, 201, "{said}");

    // A retirement asked for leaves the checklist in force; signed, it ends it.
    ws.ok(&[
        "retire",
        "CL-001",
        "--reason",
        "Replaced by the new line's checks",
        "--as",
        "ann",
    ]);
    let (status, said) = post(port, &token, "k6", &inspection("S6", None));
    assert_eq!(
        status, 201,
        "in force until the retirement is approved: {said}"
    );
    ws.ok(&["approve", "CL-001", "--as", "bob"]);
    let (status, said) = post(port, &token, "k7", &inspection("S7", None));
    assert_eq!(status, 409, "{said}");

    // A token revoked is refused at its very next request (session 1 is
    // cay's sign-in for the shift, 2 the token).
    ws.ok(&["token", "revoke", "2", "--as", "cay"]);
    let (status, said) = post(port, &token, "k8", &inspection("S8", None));
    assert_eq!(status, 401, "{said}");

    let _ = serve.kill();
    let _ = serve.wait();
    // Nothing refused was recorded.
    let mut client = db.client();
    let serials: Vec<String> = client
        .query(
            "SELECT serial FROM inspections WHERE lot = 'FACTS' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(serials, ["S1", "S2", "S3", "S5", "S6"]);
}
