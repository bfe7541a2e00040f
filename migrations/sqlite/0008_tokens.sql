-- API tokens: a long-lived sign-in for a gauge or another system, made with
-- `sopbook token create`. A token is a session of kind 'token' (only its
-- sha256 is kept, as for a shift's sign-in); revoking it is a session end.
-- A browser's cookie is never a token and a bearer token never a cookie.

ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'sign-in';
