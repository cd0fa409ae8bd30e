-- Statistics as data (issue 13): written when a scan finishes, rewritten
-- when its reports are judged again; adoption over time reads these rows
-- only. `segment` is '' (the whole list), 'sector:<name>' or
-- 'country:<code>'. `scan_seq` numbers a list's summed-up scans in
-- order (kept when a scan's rows are rewritten). Counts that later features add (findings explained by
-- their owners) become more columns of the same rows.
CREATE TABLE monitor_stat_checks (
    scan_id TEXT NOT NULL REFERENCES monitor_scans (id) ON DELETE CASCADE,
    list_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    scan_seq BIGINT NOT NULL,
    segment TEXT NOT NULL,
    kind TEXT NOT NULL,
    check_id TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    passed BIGINT NOT NULL,
    warned BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    not_tested BIGINT NOT NULL,
    errored BIGINT NOT NULL,
    informational BIGINT NOT NULL,
    not_applicable BIGINT NOT NULL,
    unreachable BIGINT NOT NULL,
    PRIMARY KEY (scan_id, segment, kind, check_id)
);
CREATE INDEX monitor_stat_checks_trend
    ON monitor_stat_checks (list_id, segment, kind, check_id, day);

-- Score distributions per category ('' = the overall score).
CREATE TABLE monitor_stat_scores (
    scan_id TEXT NOT NULL REFERENCES monitor_scans (id) ON DELETE CASCADE,
    list_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    scan_seq BIGINT NOT NULL,
    segment TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    scored BIGINT NOT NULL,
    not_scored BIGINT NOT NULL,
    score_sum BIGINT NOT NULL,
    median BIGINT,
    buckets TEXT NOT NULL,
    PRIMARY KEY (scan_id, segment, kind, category)
);
CREATE INDEX monitor_stat_scores_trend
    ON monitor_stat_scores (list_id, segment, kind, category, day);

-- The worst and most improved domains of a scan ('worst' / 'improved').
CREATE TABLE monitor_stat_highlights (
    scan_id TEXT NOT NULL REFERENCES monitor_scans (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    which TEXT NOT NULL,
    position BIGINT NOT NULL,
    domain TEXT NOT NULL,
    score BIGINT,
    previous BIGINT,
    PRIMARY KEY (scan_id, kind, which, position)
);

-- A list's published report: an unguessable token, an optional passcode
-- (argon2id); deleting the row unpublishes it at once.
CREATE TABLE monitor_publications (
    token TEXT PRIMARY KEY,
    list_id TEXT NOT NULL UNIQUE REFERENCES monitor_lists (id) ON DELETE CASCADE,
    passcode TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
