-- Photos attached to an inspection's items (a scratch, a leak, a label).
-- A row is written with its inspection, in the same transaction, and is
-- hashed into that inspection's encoding (version 3) like its item results:
-- the event covers the row, and the row's sha256 covers the photo's bytes.
-- The bytes are kept content-addressed beside the records database, in
-- `photos/<first two hex digits>/<sha256>`, written and fsynced before the
-- inspection is recorded; `audit verify` checks each file against its row.

CREATE TABLE attachments (
    inspection_id  INTEGER NOT NULL,      -- written with its inspection, in the same transaction
    position       INTEGER NOT NULL,      -- 1, 2, ... within the inspection
    item_id        TEXT NOT NULL,
    sha256         TEXT NOT NULL,         -- of the photo's bytes, lowercase hex
    media_type     TEXT NOT NULL,         -- found from the bytes: image/jpeg, image/png, image/webp, image/heic
    byte_size      INTEGER NOT NULL,
    file_name      TEXT NOT NULL,         -- as the inspector's device named it; shown escaped
    PRIMARY KEY (inspection_id, position)
) WITHOUT ROWID;

CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
