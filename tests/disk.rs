//! A real full disk: the records on a small tmpfs that fills up. Needs root
//! to mount it, so it is `#[ignore]`d and run by `.ci/run` with `--ignored`.

mod common;

use std::process::Command;

use common::{PASSWORD, Ws};

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir)
    }

    /// Fills the disk up to `free` bytes.
    fn fill(&self, free: u64) {
        let out = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(self.0.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let avail: u64 = text.lines().nth(1).unwrap().trim().parse().unwrap();
        let filler = vec![0u8; avail.saturating_sub(free) as usize];
        // Writing as much as fits is the point; the last bytes may not.
        let _ = std::fs::write(self.0.path().join("filler"), filler);
    }

    fn empty(&self) {
        std::fs::remove_file(self.0.path().join("filler")).unwrap();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
#[ignore = "mounts a tmpfs (needs root); .ci/run runs it"]
fn a_full_disk_is_named_exits_1_and_records_nothing_until_there_is_room() {
    let disk = Tmpfs::mount("1m");
    let db = disk.0.path().join("records.db");
    let db = db.to_str().unwrap();
    let ws = Ws::fixture("base");
    let env = |extra: &[(&'static str, &'static str)]| {
        let mut v = vec![("SOPBOOK_DATABASE", db), ("SOPBOOK_PASSWORD", PASSWORD)];
        v.extend_from_slice(extra);
        v
    };
    for p in ["ann", "bob"] {
        let run = ws.run_env(
            &["--create-records", "people", "passwd", p],
            &env(&[("SOPBOOK_NEW_PASSWORD", PASSWORD)]),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let release = ["release", "CS-001", "-s", "First issue", "--as", "ann"];
    // Full to the last bytes, and with a little room left that the write outgrows.
    for free in [0, 48 * 1024] {
        disk.fill(free);
        let run = ws.run_env(&release, &env(&[]));
        assert_eq!(run.code, 1, "free {free}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "error: the disk holding the records database `{db}` is full; nothing was recorded"
            )),
            "free {free}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("help: free some space on that disk"),
            "{}",
            run.stderr
        );
        disk.empty();
        let verify = ws.run_env(&["audit", "verify"], &env(&[]));
        assert_eq!(verify.code, 0, "{}", verify.stderr);
        assert!(
            verify.stderr.contains("Verified 2 events"),
            "{}",
            verify.stderr
        );
    }
    // With room again, the same command records.
    let run = ws.run_env(&release, &env(&[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let verify = ws.run_env(&["audit", "verify"], &env(&[]));
    assert!(
        verify.stderr.contains("Verified 3 events"),
        "{}",
        verify.stderr
    );
}
