-- Forgotten passwords, as in migrations/sqlite/0005_key_resets.sql.

CREATE TABLE key_resets (
    id          BIGINT PRIMARY KEY,
    person      TEXT COLLATE "C" NOT NULL,
    public_key  TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    reset_by    TEXT COLLATE "C" NOT NULL,
    reset_at    TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL
);

CREATE TRIGGER key_resets_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON key_resets FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
