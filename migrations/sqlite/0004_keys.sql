-- Signing keys and seals. Every person who signs has an Ed25519 key; its
-- private half is kept here only sealed (XChaCha20-Poly1305) with a key
-- derived from their password (argon2id), its public half in the clear. A
-- seal is the signature of one signed row (an approval, a nonconformance
-- step, a void, a sign-in, a password change) by its signer's key, over
-- the row's table, id and hash: without the signer's password nobody can
-- make one, so a row forged with recomputed hashes has none.

CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    sealed      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    event_seq   INTEGER NOT NULL
);

CREATE TABLE seals (
    id          INTEGER PRIMARY KEY,
    row_table   TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    signer      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL,
    event_seq   INTEGER NOT NULL,
    UNIQUE (row_table, row_id)
);

CREATE INDEX signing_keys_person ON signing_keys (person);

CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER seals_no_update BEFORE UPDATE ON seals BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER seals_no_delete BEFORE DELETE ON seals BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
