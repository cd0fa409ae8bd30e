-- Monitoring at scale (issue 12): lists of domains, scans of them, the
-- scan job queue with leases and retries, shared probes, imports.
CREATE TABLE monitor_lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kinds TEXT NOT NULL,
    owner_org TEXT REFERENCES organisations (id),
    created_by TEXT REFERENCES users (id),
    cadence TEXT,
    next_run_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE monitor_domains (
    list_id TEXT NOT NULL REFERENCES monitor_lists (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    organisation TEXT,
    organisation_id TEXT REFERENCES organisations (id),
    sector TEXT,
    country TEXT,
    tags TEXT NOT NULL DEFAULT '',
    added_at INTEGER NOT NULL,
    PRIMARY KEY (list_id, domain)
);

CREATE TABLE monitor_scans (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES monitor_lists (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    kinds TEXT NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    last_turn INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX monitor_scans_by_state ON monitor_scans (state);
CREATE INDEX monitor_scans_by_list ON monitor_scans (list_id, created_at);

-- One job per scan, domain and test kind; its id is made of those three, so
-- enqueueing twice is impossible.
CREATE TABLE monitor_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    scan_id TEXT NOT NULL REFERENCES monitor_scans (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER NOT NULL,
    lease_until INTEGER,
    worker TEXT,
    report_id TEXT,
    error TEXT,
    finished_at INTEGER
);
CREATE INDEX monitor_jobs_claim ON monitor_jobs (scan_id, state, available_at, seq);
CREATE INDEX monitor_jobs_lease ON monitor_jobs (state, lease_until);
CREATE INDEX monitor_jobs_worker ON monitor_jobs (worker, state);

-- A report is written once per job: a late duplicate finish writes nothing.
ALTER TABLE reports ADD COLUMN job_id TEXT;
CREATE UNIQUE INDEX reports_by_job ON reports (job_id);

-- Probe results shared by the workers of every process within a freshness
-- window; body is NULL while its maker is still probing.
CREATE TABLE monitor_shared_probes (
    key TEXT PRIMARY KEY,
    made_at INTEGER NOT NULL,
    maker TEXT NOT NULL,
    body TEXT
);

-- The scheduler's lease on SQLite (PostgreSQL uses an advisory lock).
CREATE TABLE monitor_scheduler (
    id INTEGER PRIMARY KEY,
    holder TEXT NOT NULL,
    until_at INTEGER NOT NULL
);

CREATE TABLE monitor_imports (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES monitor_lists (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    domains INTEGER NOT NULL DEFAULT 0,
    merged INTEGER NOT NULL DEFAULT 0,
    bad INTEGER NOT NULL DEFAULT 0,
    written INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
