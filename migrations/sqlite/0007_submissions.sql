-- A form submitted from the browser carries a submission key, kept in the
-- note of the event that records it (so the audit chain covers it). The key
-- is unique: a retried or double-tapped submit records one inspection, and
-- the second answer finds the first. (A detail that is not JSON, which only
-- a change behind sopbook's back makes, has no key: `audit verify` reports
-- it, the index does not refuse it.)

CREATE UNIQUE INDEX events_submission
    ON events ((CASE WHEN json_valid(detail) THEN json_extract(detail, '$.note.submission') END))
    WHERE (CASE WHEN json_valid(detail) THEN json_extract(detail, '$.note.submission') END) IS NOT NULL;
