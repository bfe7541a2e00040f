-- Photos attached to an inspection's items, as in migrations/sqlite/0009_attachments.sql.

CREATE TABLE attachments (
    inspection_id  BIGINT NOT NULL,
    position       BIGINT NOT NULL,
    item_id        TEXT COLLATE "C" NOT NULL,
    sha256         TEXT COLLATE "C" NOT NULL,
    media_type     TEXT COLLATE "C" NOT NULL,
    byte_size      BIGINT NOT NULL,
    file_name      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (inspection_id, position)
);

CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TRIGGER attachments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON attachments FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
