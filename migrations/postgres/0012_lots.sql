-- Lots inspected by sampling plan, as in migrations/sqlite/0012_lots.sql.

CREATE TABLE lots (
    id               BIGINT PRIMARY KEY,
    checklist_id     TEXT COLLATE "C" NOT NULL,
    revision_id      BIGINT NOT NULL REFERENCES revisions (id),
    revision_number  BIGINT NOT NULL,
    lot              TEXT COLLATE "C" NOT NULL,
    supplier         TEXT COLLATE "C" NOT NULL,
    lot_size         BIGINT NOT NULL CHECK (lot_size > 0),
    standard         TEXT COLLATE "C" NOT NULL,
    level            TEXT COLLATE "C" NOT NULL,
    severity         TEXT COLLATE "C" NOT NULL CHECK (severity IN ('normal', 'tightened', 'reduced')),
    code_letter      TEXT COLLATE "C" NOT NULL,
    sample           BIGINT NOT NULL,
    plan             TEXT COLLATE "C" NOT NULL,
    opened_by        TEXT COLLATE "C" NOT NULL,
    opened_at        TEXT COLLATE "C" NOT NULL,
    event_seq        BIGINT NOT NULL,
    UNIQUE (checklist_id, lot)
);

CREATE TABLE lot_closes (
    id             BIGINT PRIMARY KEY,
    lot_id         BIGINT NOT NULL UNIQUE REFERENCES lots (id),
    decision       TEXT COLLATE "C" NOT NULL CHECK (decision IN ('accept', 'reject')),
    sampled        BIGINT NOT NULL,
    nonconforming  TEXT COLLATE "C" NOT NULL,
    nc_id          BIGINT REFERENCES nonconformances (id),
    closed_by      TEXT COLLATE "C" NOT NULL,
    closed_at      TEXT COLLATE "C" NOT NULL,
    event_seq      BIGINT NOT NULL
);

CREATE TABLE lot_approvals (
    id            BIGINT PRIMARY KEY,
    checklist_id  TEXT COLLATE "C" NOT NULL,
    supplier      TEXT COLLATE "C" NOT NULL,
    signer        TEXT COLLATE "C" NOT NULL,
    signed_at     TEXT COLLATE "C" NOT NULL,
    note          TEXT COLLATE "C" NOT NULL,
    event_seq     BIGINT NOT NULL
);

CREATE INDEX lots_checklist ON lots (checklist_id, supplier, opened_at);

CREATE TRIGGER lots_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON lots FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER lot_closes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON lot_closes FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER lot_approvals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON lot_approvals FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
