-- CHECKs are written with OR, not IN (...): SQLite builds a temporary index
-- for an IN list on every insert, which made bulk imports three times slower.
-- event_seq columns carry no foreign key: SQLite would scan the child tables
-- for every new event to check it; `sopbook audit verify` checks them instead.
--
-- Inspections, their item results, voids, nonconformances and what was done
-- about them. Append-only like everything else. Inspections are written in
-- batches (one, or a whole import): the event that records a batch holds the
-- id range and one sha256 over the batch's rows in a canonical encoding.

CREATE TABLE inspections (
    id               INTEGER PRIMARY KEY,
    checklist_id     TEXT NOT NULL,
    revision_id      INTEGER NOT NULL REFERENCES revisions (id),
    revision_number  INTEGER NOT NULL,
    lot              TEXT NOT NULL,
    serial           TEXT NOT NULL,       -- '' when the lot is inspected as a whole
    inspector        TEXT NOT NULL,
    station          TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    verdict          TEXT NOT NULL CHECK (verdict = 'pass' OR verdict = 'fail'),
    reinspects       INTEGER REFERENCES inspections (id),
    event_seq        INTEGER NOT NULL
);

CREATE TABLE item_results (
    inspection_id  INTEGER NOT NULL,      -- written with its inspection, in the same transaction
    position       INTEGER NOT NULL,
    item_id        TEXT NOT NULL,
    value          TEXT NOT NULL,         -- as entered
    number         REAL,                  -- measurements and counts
    outcome        TEXT NOT NULL CHECK (outcome = 'pass' OR outcome = 'fail' OR outcome = 'na' OR outcome = 'recorded'),
    note           TEXT NOT NULL,
    PRIMARY KEY (inspection_id, position)
) WITHOUT ROWID;

CREATE TABLE inspection_voids (
    id             INTEGER PRIMARY KEY,
    inspection_id  INTEGER NOT NULL UNIQUE REFERENCES inspections (id),
    reason         TEXT NOT NULL,
    voided_by      TEXT NOT NULL,
    voided_at      TEXT NOT NULL,
    event_seq      INTEGER NOT NULL
);

CREATE TABLE nonconformances (
    id             INTEGER PRIMARY KEY,   -- NC-0001 ...
    inspection_id  INTEGER NOT NULL UNIQUE REFERENCES inspections (id),
    opened_at      TEXT NOT NULL,
    summary        TEXT NOT NULL,         -- the failed items and values
    event_seq      INTEGER NOT NULL
);

CREATE TABLE nc_steps (
    id          INTEGER PRIMARY KEY,
    nc_id       INTEGER NOT NULL REFERENCES nonconformances (id),
    kind        TEXT NOT NULL CHECK (kind = 'disposition' OR kind = 'action' OR kind = 'close'),
    value       TEXT NOT NULL,            -- the disposition, or the corrective action
    sop_id      TEXT,                     -- the procedure a corrective action changes
    signer      TEXT NOT NULL,
    signed_at   TEXT NOT NULL,
    note        TEXT NOT NULL,
    event_seq   INTEGER NOT NULL
);

CREATE INDEX inspections_checklist ON inspections (checklist_id, recorded_at);
CREATE INDEX inspections_lot ON inspections (lot);
CREATE INDEX inspections_reinspects ON inspections (reinspects) WHERE reinspects IS NOT NULL;
CREATE INDEX item_results_failed ON item_results (item_id) WHERE outcome = 'fail';
CREATE INDEX nc_steps_nc ON nc_steps (nc_id);

CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER item_results_no_update BEFORE UPDATE ON item_results BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER item_results_no_delete BEFORE DELETE ON item_results BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER inspection_voids_no_update BEFORE UPDATE ON inspection_voids BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER inspection_voids_no_delete BEFORE DELETE ON inspection_voids BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER nonconformances_no_update BEFORE UPDATE ON nonconformances BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER nonconformances_no_delete BEFORE DELETE ON nonconformances BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER nc_steps_no_update BEFORE UPDATE ON nc_steps BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER nc_steps_no_delete BEFORE DELETE ON nc_steps BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
