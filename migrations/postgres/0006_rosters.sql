-- Who holds which role, as in migrations/sqlite/0006_rosters.sql.

CREATE TABLE rosters (
    id           BIGINT PRIMARY KEY,
    people       TEXT COLLATE "C" NOT NULL,
    recorded_at  TEXT COLLATE "C" NOT NULL,
    event_seq    BIGINT NOT NULL
);

CREATE TRIGGER rosters_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON rosters FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
