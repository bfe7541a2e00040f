-- Sign-ins for a shift. `sopbook login` proves once, with the password, who
-- is at a station; within the session an inspector records inspections
-- without typing the password per unit. Only the sha256 of the session's
-- token is kept here; the token itself stays with the person (a file in
-- their config folder). Ending a session early is a new row, never a change.

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    started_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    event_seq   INTEGER NOT NULL
);

CREATE TABLE session_ends (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL UNIQUE REFERENCES sessions (id),
    ended_at    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    event_seq   INTEGER NOT NULL
);

CREATE TRIGGER sessions_no_update BEFORE UPDATE ON sessions BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER session_ends_no_update BEFORE UPDATE ON session_ends BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER session_ends_no_delete BEFORE DELETE ON session_ends BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
