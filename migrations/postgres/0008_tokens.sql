-- API tokens are sessions of kind 'token', as in migrations/sqlite/0008_tokens.sql.

ALTER TABLE sessions ADD COLUMN kind TEXT COLLATE "C" NOT NULL DEFAULT 'sign-in';
