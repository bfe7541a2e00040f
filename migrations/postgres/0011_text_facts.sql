-- What training needs of each released text, as in
-- migrations/sqlite/0011_text_facts.sql. (PostgreSQL keeps long texts out
-- of the row, so the revisions need no covering index here.)

CREATE TABLE text_facts (
    revision_id  BIGINT PRIMARY KEY REFERENCES revisions (id),
    doc_id       TEXT COLLATE "C" NOT NULL,
    roles        TEXT COLLATE "C" NOT NULL,
    facts        TEXT COLLATE "C" NOT NULL
);

CREATE TRIGGER text_facts_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON text_facts FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
