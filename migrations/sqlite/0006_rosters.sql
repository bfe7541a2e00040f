-- Who holds which role, as sopbook.toml said when the records were written.
-- A write from a workspace whose people or roles differ from the last
-- roster records the new one with it, so the records show who was allowed
-- to do what on any day, and a station that has only the records knows
-- the roles it must check.

CREATE TABLE rosters (
    id           INTEGER PRIMARY KEY,
    people       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    event_seq    INTEGER NOT NULL
);

CREATE TRIGGER rosters_no_update BEFORE UPDATE ON rosters BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER rosters_no_delete BEFORE DELETE ON rosters BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
