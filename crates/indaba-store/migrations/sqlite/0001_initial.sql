-- Indaba's store, SQLite flavour. Times are Unix seconds; ids are random text.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    score INTEGER,
    policy_version TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX reports_by_domain ON reports (kind, domain, started_at);
CREATE INDEX reports_by_time ON reports (started_at);

CREATE TABLE findings (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    earned INTEGER,
    possible INTEGER
);
CREATE INDEX findings_by_check ON findings (check_id, status);
CREATE INDEX findings_by_report ON findings (report_id);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    stakeholder TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);

CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    state TEXT NOT NULL,
    client TEXT NOT NULL,
    batch_id TEXT REFERENCES batches (id),
    submitted_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    report_id TEXT,
    error TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, seq);
CREATE INDEX jobs_by_batch ON jobs (batch_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
