-- A form's submission key is unique, as in migrations/sqlite/0007_submissions.sql.

CREATE UNIQUE INDEX events_submission
    ON events ((sopbook_json(detail) -> 'note' ->> 'submission'))
    WHERE (sopbook_json(detail) -> 'note' ->> 'submission') IS NOT NULL;
