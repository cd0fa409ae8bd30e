-- Indaba's store, PostgreSQL flavour. Times are Unix seconds; ids are random text.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    score BIGINT,
    policy_version TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX reports_by_domain ON reports (kind, domain, started_at);
CREATE INDEX reports_by_time ON reports (started_at);

CREATE TABLE findings (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    earned BIGINT,
    possible BIGINT
);
CREATE INDEX findings_by_check ON findings (check_id, status);
CREATE INDEX findings_by_report ON findings (report_id);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    stakeholder TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE jobs (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    state TEXT NOT NULL,
    client TEXT NOT NULL,
    batch_id TEXT REFERENCES batches (id),
    submitted_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    report_id TEXT,
    error TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, seq);
CREATE INDEX jobs_by_batch ON jobs (batch_id);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
