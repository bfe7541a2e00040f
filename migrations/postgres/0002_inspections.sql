-- Inspections, their item results, voids, nonconformances and their steps,
-- as in migrations/sqlite/0002_inspections.sql.

CREATE TABLE inspections (
    id               BIGINT PRIMARY KEY,
    checklist_id     TEXT COLLATE "C" NOT NULL,
    revision_id      BIGINT NOT NULL REFERENCES revisions (id),
    revision_number  BIGINT NOT NULL,
    lot              TEXT COLLATE "C" NOT NULL,
    serial           TEXT COLLATE "C" NOT NULL,
    inspector        TEXT COLLATE "C" NOT NULL,
    station          TEXT COLLATE "C" NOT NULL,
    recorded_at      TEXT COLLATE "C" NOT NULL,
    verdict          TEXT COLLATE "C" NOT NULL CHECK (verdict = 'pass' OR verdict = 'fail'),
    reinspects       BIGINT REFERENCES inspections (id),
    event_seq        BIGINT NOT NULL
);

CREATE TABLE item_results (
    inspection_id  BIGINT NOT NULL,
    position       BIGINT NOT NULL,
    item_id        TEXT COLLATE "C" NOT NULL,
    value          TEXT COLLATE "C" NOT NULL,
    number         DOUBLE PRECISION,
    outcome        TEXT COLLATE "C" NOT NULL CHECK (outcome = 'pass' OR outcome = 'fail' OR outcome = 'na' OR outcome = 'recorded'),
    note           TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (inspection_id, position)
);

CREATE TABLE inspection_voids (
    id             BIGINT PRIMARY KEY,
    inspection_id  BIGINT NOT NULL UNIQUE REFERENCES inspections (id),
    reason         TEXT COLLATE "C" NOT NULL,
    voided_by      TEXT COLLATE "C" NOT NULL,
    voided_at      TEXT COLLATE "C" NOT NULL,
    event_seq      BIGINT NOT NULL
);

CREATE TABLE nonconformances (
    id             BIGINT PRIMARY KEY,
    inspection_id  BIGINT NOT NULL UNIQUE REFERENCES inspections (id),
    opened_at      TEXT COLLATE "C" NOT NULL,
    summary        TEXT COLLATE "C" NOT NULL,
    event_seq      BIGINT NOT NULL
);

CREATE TABLE nc_steps (
    id          BIGINT PRIMARY KEY,
    nc_id       BIGINT NOT NULL REFERENCES nonconformances (id),
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind = 'disposition' OR kind = 'action' OR kind = 'close'),
    value       TEXT COLLATE "C" NOT NULL,
    sop_id      TEXT COLLATE "C",
    signer      TEXT COLLATE "C" NOT NULL,
    signed_at   TEXT COLLATE "C" NOT NULL,
    note        TEXT COLLATE "C" NOT NULL,
    event_seq   BIGINT NOT NULL
);

CREATE INDEX inspections_checklist ON inspections (checklist_id, recorded_at);
CREATE INDEX inspections_lot ON inspections (lot);
CREATE INDEX inspections_reinspects ON inspections (reinspects) WHERE reinspects IS NOT NULL;
CREATE INDEX item_results_failed ON item_results (item_id) WHERE outcome = 'fail';
CREATE INDEX nc_steps_nc ON nc_steps (nc_id);

CREATE TRIGGER inspections_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON inspections FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER item_results_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON item_results FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER inspection_voids_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON inspection_voids FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER nonconformances_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON nonconformances FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
CREATE TRIGGER nc_steps_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON nc_steps FOR EACH STATEMENT EXECUTE FUNCTION sopbook_append_only();
