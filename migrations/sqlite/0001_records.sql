-- The records of document control. Every table is append-only: rows are
-- never updated or deleted; state is derived from them. Each row is
-- recorded by an event in the hash-chained audit log, whose detail holds
-- the row's hash, so `sopbook audit verify` can prove nothing changed.

CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,       -- 1, 2, 3 ... without gaps
    at         TEXT NOT NULL,             -- UTC, RFC 3339
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    record     TEXT NOT NULL,             -- what it concerns, e.g. "QC-001 rev 2"
    detail     TEXT NOT NULL,             -- canonical JSON
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
);

CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    doc_id         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('sop', 'checklist')),
    number         INTEGER NOT NULL,
    title          TEXT NOT NULL,
    path           TEXT NOT NULL,
    content        TEXT NOT NULL,          -- the file exactly as released
    content_hash   TEXT NOT NULL,          -- sha256 of content
    summary        TEXT NOT NULL,
    minor          INTEGER NOT NULL,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    event_seq      INTEGER NOT NULL,
    UNIQUE (doc_id, number)
);

-- A request to release a revision or to retire a document, decided by signatures.
CREATE TABLE changes (
    id              INTEGER PRIMARY KEY,
    doc_id          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('release', 'retire')),
    revision_id     INTEGER REFERENCES revisions (id),
    requested_by    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    effective_date  TEXT,                  -- YYYY-MM-DD, or NULL for "when approved"
    required        INTEGER NOT NULL,      -- approvals needed, fixed when requested
    approver_roles  TEXT NOT NULL,         -- comma-separated, fixed when requested
    created_at      TEXT NOT NULL,
    event_seq       INTEGER NOT NULL
);

CREATE TABLE signatures (
    id            INTEGER PRIMARY KEY,
    change_id     INTEGER REFERENCES changes (id),
    doc_id        TEXT NOT NULL,
    revision_id   INTEGER REFERENCES revisions (id),
    signer        TEXT NOT NULL,
    meaning       TEXT NOT NULL CHECK (meaning IN ('authored', 'approved', 'rejected', 'retired', 'periodic-review')),
    signed_at     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,          -- of the revision signed
    note          TEXT NOT NULL,
    event_seq     INTEGER NOT NULL
);

CREATE TABLE credentials (
    id         INTEGER PRIMARY KEY,
    person     TEXT NOT NULL,
    hash       TEXT NOT NULL,             -- argon2id PHC string
    set_at     TEXT NOT NULL,
    event_seq  INTEGER NOT NULL
);

CREATE INDEX revisions_doc ON revisions (doc_id);
CREATE INDEX changes_doc ON changes (doc_id);
CREATE INDEX signatures_doc ON signatures (doc_id);
CREATE INDEX credentials_person ON credentials (person);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER credentials_no_update BEFORE UPDATE ON credentials BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER credentials_no_delete BEFORE DELETE ON credentials BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
