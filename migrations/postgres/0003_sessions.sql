-- Sign-ins for a shift, as in migrations/sqlite/0003_sessions.sql.

CREATE TABLE sessions (
    id          BIGINT PRIMARY KEY,
    person      TEXT COLLATE "C" NOT NULL,
    token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    started_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL
);

CREATE TABLE session_ends (
    id          BIGINT PRIMARY KEY,
    session_id  BIGINT NOT NULL UNIQUE REFERENCES sessions (id),
    ended_at    TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL
);

CREATE TRIGGER sessions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER session_ends_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON session_ends FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
