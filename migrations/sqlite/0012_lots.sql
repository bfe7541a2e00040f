-- Lots inspected by sampling plan (ISO 2859-1, ANSI Z1.4). A lot is opened
-- with the plan in force for its checklist and supplier at that moment;
-- its sampled units are ordinary inspections of the same checklist and lot;
-- a close records the decision. Reduced inspection needs a signed approval.
-- The severity a lot was inspected at is recorded with it; the switching
-- rules are applied to these rows, never kept as a counter.

CREATE TABLE lots (
    id               INTEGER PRIMARY KEY,
    checklist_id     TEXT NOT NULL,
    revision_id      INTEGER NOT NULL REFERENCES revisions (id),
    revision_number  INTEGER NOT NULL,
    lot              TEXT NOT NULL,
    supplier         TEXT NOT NULL,       -- '' when none is named
    lot_size         INTEGER NOT NULL CHECK (lot_size > 0),
    standard         TEXT NOT NULL,
    level            TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('normal', 'tightened', 'reduced')),
    code_letter      TEXT NOT NULL,
    sample           INTEGER NOT NULL,
    plan             TEXT NOT NULL,       -- JSON: each class's AQL, letter, sample, Ac, Re
    opened_by        TEXT NOT NULL,
    opened_at        TEXT NOT NULL,
    event_seq        INTEGER NOT NULL,
    UNIQUE (checklist_id, lot)
);

CREATE TABLE lot_closes (
    id             INTEGER PRIMARY KEY,
    lot_id         INTEGER NOT NULL UNIQUE REFERENCES lots (id),
    decision       TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    sampled        INTEGER NOT NULL,
    nonconforming  TEXT NOT NULL,         -- JSON: nonconforming units per class
    nc_id          INTEGER REFERENCES nonconformances (id),
    closed_by      TEXT NOT NULL,
    closed_at      TEXT NOT NULL,
    event_seq      INTEGER NOT NULL
);

CREATE TABLE lot_approvals (
    id            INTEGER PRIMARY KEY,
    checklist_id  TEXT NOT NULL,
    supplier      TEXT NOT NULL,
    signer        TEXT NOT NULL,
    signed_at     TEXT NOT NULL,
    note          TEXT NOT NULL,
    event_seq     INTEGER NOT NULL
);

CREATE INDEX lots_checklist ON lots (checklist_id, supplier, opened_at);

CREATE TRIGGER lots_no_update BEFORE UPDATE ON lots BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER lot_closes_no_update BEFORE UPDATE ON lot_closes BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER lot_closes_no_delete BEFORE DELETE ON lot_closes BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER lot_approvals_no_update BEFORE UPDATE ON lot_approvals BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER lot_approvals_no_delete BEFORE DELETE ON lot_approvals BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
