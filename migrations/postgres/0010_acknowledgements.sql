-- Training records ("read and understood"), as in migrations/sqlite/0010_acknowledgements.sql.

CREATE TABLE acknowledgements (
    id               BIGINT PRIMARY KEY,
    person           TEXT COLLATE "C" NOT NULL,
    doc_id           TEXT COLLATE "C" NOT NULL,
    revision_id      BIGINT NOT NULL REFERENCES revisions (id),
    revision_number  BIGINT NOT NULL,
    content_hash     TEXT COLLATE "C" NOT NULL,
    acknowledged_at  TEXT COLLATE "C" NOT NULL,
    event_seq        BIGINT NOT NULL
);

CREATE INDEX acknowledgements_person ON acknowledgements (person, doc_id);

CREATE TRIGGER acknowledgements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON acknowledgements FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
