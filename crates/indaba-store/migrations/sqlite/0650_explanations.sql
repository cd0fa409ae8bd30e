-- Comply or explain (issue 13): an owner's explanation of a finding (a
-- check of a domain, for a test kind) until an expiry; an analyst may
-- reject it with a reason. Whether one is in force is judged at read time
-- against the clock, so nothing sweeps expired ones.
CREATE TABLE monitor_explanations (
    id TEXT PRIMARY KEY,
    domain TEXT NOT NULL,
    kind TEXT NOT NULL,
    check_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    body TEXT NOT NULL,
    until_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    rejected_at INTEGER,
    rejected_by TEXT REFERENCES users (id),
    reject_reason TEXT
);
CREATE INDEX monitor_explanations_by_finding ON monitor_explanations (domain, kind, check_id);
CREATE INDEX monitor_domains_by_domain ON monitor_domains (domain);
