-- Signing keys and seals, as in migrations/sqlite/0004_keys.sql.

CREATE TABLE signing_keys (
    id          BIGINT PRIMARY KEY,
    person      TEXT COLLATE "C" NOT NULL,
    public_key  TEXT COLLATE "C" NOT NULL,
    sealed      TEXT COLLATE "C" NOT NULL,
    set_at      TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL
);

CREATE TABLE seals (
    id          BIGINT PRIMARY KEY,
    row_table   TEXT COLLATE "C" NOT NULL,
    row_id      BIGINT NOT NULL,
    signer      TEXT COLLATE "C" NOT NULL,
    public_key  TEXT COLLATE "C" NOT NULL,
    signature   TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL,
    UNIQUE (row_table, row_id)
);

CREATE INDEX signing_keys_person ON signing_keys (person);

CREATE TRIGGER signing_keys_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON signing_keys FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON seals FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
