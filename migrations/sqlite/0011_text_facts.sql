-- What training needs of each released text (who must read it, its
-- section, its reading-path places, its length), derived from the text at
-- release so the training matrix and a reading list need not read and parse
-- every text in force. Not a record: the text is, and `audit verify`
-- derives these again from it and compares. A revision without a row here
-- (released before this migration) has its text read as before.

CREATE TABLE text_facts (
    revision_id  INTEGER PRIMARY KEY REFERENCES revisions(id),
    doc_id       TEXT NOT NULL,
    -- The roles who must read it, as `|role|role|`; `*` for a checklist
    -- that takes its procedure's roles: a reading list reads only the
    -- documents whose revisions name one of the person's roles.
    roles        TEXT NOT NULL,
    facts        TEXT NOT NULL
);

CREATE TRIGGER text_facts_no_update BEFORE UPDATE ON text_facts BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER text_facts_no_delete BEFORE DELETE ON text_facts BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- What is in force is worked out from every revision but its text. A text
-- is stored in the row before the columns after it, so without this index
-- SQLite reads every text to reach them.
CREATE INDEX revisions_outline ON revisions (id, doc_id, kind, number, title, path, content_hash, summary, minor, author, created_at, event_seq);
