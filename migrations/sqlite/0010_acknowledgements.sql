-- Training records: a person's signature meaning "read and understood",
-- bound to the content hash of the revision they read. It is a table of
-- its own (signatures.meaning is checked against the document-control
-- meanings) and is sealed with the person's signing key like a signature.

CREATE TABLE acknowledgements (
    id               INTEGER PRIMARY KEY,
    person           TEXT NOT NULL,
    doc_id           TEXT NOT NULL,
    revision_id      INTEGER NOT NULL REFERENCES revisions(id),
    revision_number  INTEGER NOT NULL,
    content_hash     TEXT NOT NULL,
    acknowledged_at  TEXT NOT NULL,
    event_seq        INTEGER NOT NULL
);

CREATE INDEX acknowledgements_person ON acknowledgements (person, doc_id);

CREATE TRIGGER acknowledgements_no_update BEFORE UPDATE ON acknowledgements BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER acknowledgements_no_delete BEFORE DELETE ON acknowledgements BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
