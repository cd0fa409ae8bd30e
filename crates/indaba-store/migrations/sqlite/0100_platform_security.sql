-- The platform under attack (issue 16): audit rows carry the client address
-- and are chained by hash; API keys expire, are revoked one by one and record
-- their last use; reset tokens say when they were made (a cap per account
-- and hour); sign-in failures are counted per account; server secrets (the
-- key that signs visitors' CSRF tokens) are shared by every process.
ALTER TABLE audit_log ADD COLUMN client TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

ALTER TABLE api_keys ADD COLUMN id TEXT;
-- Keys made before have no id: the first half of their hash names them (it
-- is not the key, and cannot be turned back into it).
UPDATE api_keys SET id = substr(key_hash, 1, 32) WHERE id IS NULL;
CREATE UNIQUE INDEX api_keys_by_id ON api_keys (id);
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;

ALTER TABLE reset_tokens ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reset_tokens_by_user ON reset_tokens (user_id, created_at);

CREATE TABLE login_throttle (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL,
    notified_at INTEGER
);
CREATE INDEX login_throttle_by_time ON login_throttle (last_failure);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX jobs_by_share ON jobs (state, batch_id);
