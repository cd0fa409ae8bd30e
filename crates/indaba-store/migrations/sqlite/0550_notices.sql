-- Owner notices (issue 13): the changes between two scans of a list (one
-- row per scan, domain, kind and check, so a scan finishing twice queues
-- nothing twice), the digests sent (the delivery log: to, when, what, the
-- SMTP answer; at most one per contact and day, whoever sends), opt-outs,
-- bounces and subscriptions to improvements. Times are Unix seconds.
CREATE TABLE notice_changes (
    id TEXT PRIMARY KEY,
    scan_id TEXT NOT NULL REFERENCES monitor_scans (id) ON DELETE CASCADE,
    previous_scan_id TEXT NOT NULL,
    list_id TEXT NOT NULL,
    domain TEXT NOT NULL,
    kind TEXT NOT NULL,
    check_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    was TEXT NOT NULL,
    now_is TEXT NOT NULL,
    report_id TEXT,
    state TEXT NOT NULL,
    digest_id TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (scan_id, domain, kind, check_id)
);
CREATE INDEX notice_changes_pending ON notice_changes (state, created_at);
CREATE INDEX notice_changes_digest ON notice_changes (digest_id);

CREATE TABLE notice_digests (
    id TEXT PRIMARY KEY,
    contact TEXT NOT NULL,
    day INTEGER NOT NULL,
    source TEXT NOT NULL,
    subject TEXT NOT NULL,
    changes INTEGER NOT NULL,
    state TEXT NOT NULL,
    smtp_answer TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (contact, day)
);
CREATE INDEX notice_digests_by_time ON notice_digests (created_at);

CREATE TABLE notice_opt_outs (
    contact TEXT PRIMARY KEY,
    via TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
);

CREATE TABLE notice_subscriptions (
    contact TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
