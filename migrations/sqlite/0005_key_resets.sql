-- Forgotten passwords. A person who forgot theirs cannot unseal their
-- signing key, so they get a new one; the reset is signed by whoever gave
-- it (a role in [permissions] reset_password). `audit verify` accepts a
-- person's new key only where such a reset, sealed by another person's
-- key, names it; their older signatures stay valid under the older key.

CREATE TABLE key_resets (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    reset_by    TEXT NOT NULL,
    reset_at    TEXT NOT NULL,
    event_seq   INTEGER NOT NULL
);

CREATE TRIGGER key_resets_no_update BEFORE UPDATE ON key_resets BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER key_resets_no_delete BEFORE DELETE ON key_resets BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
