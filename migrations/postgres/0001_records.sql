-- The records of document control, as in migrations/sqlite/0001_records.sql:
-- every table is append-only, enforced here by a trigger on each table that
-- refuses UPDATE, DELETE and TRUNCATE. Times are kept as the same RFC 3339
-- text as in SQLite, so that they compare and print alike on both backends.
-- Ids are given by sopbook under the write lock (one more than the largest),
-- as SQLite gives them, so the same records get the same ids on both.

-- Which migrations have run: sopbook's mark on the database.
CREATE TABLE sopbook_schema (
    version     INTEGER PRIMARY KEY,
    applied_at  TEXT COLLATE "C" NOT NULL
);

CREATE FUNCTION sopbook_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;

-- The detail of an event as JSON, or NULL when it is not JSON (only a
-- change behind sopbook's back makes that; `audit verify` reports it).
CREATE FUNCTION sopbook_json(t TEXT) RETURNS JSONB LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE TABLE events (
    seq        BIGINT PRIMARY KEY,        -- 1, 2, 3 ... without gaps
    at         TEXT COLLATE "C" NOT NULL,             -- UTC, RFC 3339
    actor      TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    record     TEXT COLLATE "C" NOT NULL,
    detail     TEXT COLLATE "C" NOT NULL,             -- canonical JSON, as hashed
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE revisions (
    id             BIGINT PRIMARY KEY,
    doc_id         TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL CHECK (kind IN ('sop', 'checklist')),
    number         BIGINT NOT NULL,
    title          TEXT COLLATE "C" NOT NULL,
    path           TEXT COLLATE "C" NOT NULL,
    content        TEXT COLLATE "C" NOT NULL,
    content_hash   TEXT COLLATE "C" NOT NULL,
    summary        TEXT COLLATE "C" NOT NULL,
    minor          BOOLEAN NOT NULL,
    author         TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    event_seq      BIGINT NOT NULL,
    UNIQUE (doc_id, number)
);

CREATE TABLE changes (
    id              BIGINT PRIMARY KEY,
    doc_id          TEXT COLLATE "C" NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL CHECK (kind IN ('release', 'retire')),
    revision_id     BIGINT REFERENCES revisions (id),
    requested_by    TEXT COLLATE "C" NOT NULL,
    reason          TEXT COLLATE "C" NOT NULL,
    effective_date  TEXT COLLATE "C",
    required        BIGINT NOT NULL,
    approver_roles  TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    event_seq       BIGINT NOT NULL
);

CREATE TABLE signatures (
    id            BIGINT PRIMARY KEY,
    change_id     BIGINT REFERENCES changes (id),
    doc_id        TEXT COLLATE "C" NOT NULL,
    revision_id   BIGINT REFERENCES revisions (id),
    signer        TEXT COLLATE "C" NOT NULL,
    meaning       TEXT COLLATE "C" NOT NULL CHECK (meaning IN ('authored', 'approved', 'rejected', 'retired', 'periodic-review')),
    signed_at     TEXT COLLATE "C" NOT NULL,
    content_hash  TEXT COLLATE "C" NOT NULL,
    note          TEXT COLLATE "C" NOT NULL,
    event_seq     BIGINT NOT NULL
);

CREATE TABLE credentials (
    id         BIGINT PRIMARY KEY,
    person     TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL,
    set_at     TEXT COLLATE "C" NOT NULL,
    event_seq  BIGINT NOT NULL
);

CREATE INDEX revisions_doc ON revisions (doc_id);
CREATE INDEX changes_doc ON changes (doc_id);
CREATE INDEX signatures_doc ON signatures (doc_id);
CREATE INDEX credentials_person ON credentials (person);

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON revisions FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON changes FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON signatures FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER credentials_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON credentials FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
