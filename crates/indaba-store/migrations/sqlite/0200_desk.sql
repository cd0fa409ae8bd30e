-- The response desk (issue 14): cases (reports, incidents, investigations),
-- their messages, attachments (encrypted), plans, playbooks, points of
-- contact, constituencies, deliveries, follow-ups, consents, feeds, and the
-- aggregates that outlive retention. Times are Unix seconds.
CREATE TABLE desk_sequences (
    year INTEGER PRIMARY KEY,
    next INTEGER NOT NULL
);

CREATE TABLE desk_cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    draft INTEGER NOT NULL DEFAULT 0,
    parent_id TEXT REFERENCES desk_cases (id) ON DELETE SET NULL,
    classification TEXT NOT NULL,
    priority TEXT NOT NULL,
    tlp TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '[]',
    door TEXT NOT NULL,
    reporter_token_hash TEXT UNIQUE,
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_email TEXT NOT NULL DEFAULT '',
    contact_ok INTEGER NOT NULL DEFAULT 0,
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    age_band TEXT NOT NULL DEFAULT '',
    education TEXT NOT NULL DEFAULT '',
    stats_consent INTEGER NOT NULL DEFAULT 0,
    organisation_id TEXT,
    created_by TEXT,
    assignee TEXT,
    victim_status TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    respond_by INTEGER NOT NULL,
    resolve_by INTEGER NOT NULL,
    responded_at INTEGER,
    closed_at INTEGER
);
CREATE INDEX desk_cases_triage ON desk_cases (draft, kind, state, resolve_by);
CREATE INDEX desk_cases_parent ON desk_cases (parent_id);
CREATE INDEX desk_cases_closed ON desk_cases (closed_at);
CREATE INDEX desk_cases_email ON desk_cases (reporter_email);

-- Full-text search: FTS5 over the case's reference, title and description,
-- kept in step by triggers.
CREATE VIRTUAL TABLE desk_fts USING fts5(case_id UNINDEXED, reference, title, description);
CREATE TRIGGER desk_fts_insert AFTER INSERT ON desk_cases BEGIN
    INSERT INTO desk_fts (case_id, reference, title, description)
    VALUES (new.id, new.reference, new.title, new.description);
END;
CREATE TRIGGER desk_fts_update AFTER UPDATE OF title, description ON desk_cases BEGIN
    DELETE FROM desk_fts WHERE case_id = old.id;
    INSERT INTO desk_fts (case_id, reference, title, description)
    VALUES (new.id, new.reference, new.title, new.description);
END;
CREATE TRIGGER desk_fts_delete AFTER DELETE ON desk_cases BEGIN
    DELETE FROM desk_fts WHERE case_id = old.id;
END;

CREATE TABLE desk_observables (
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    tlp TEXT NOT NULL,
    enrichment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, kind, value)
);

CREATE TABLE desk_messages (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    audience TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX desk_messages_case ON desk_messages (case_id, created_at);

CREATE TABLE desk_attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    message_id TEXT REFERENCES desk_messages (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    tlp TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX desk_attachments_case ON desk_attachments (case_id);

CREATE TABLE desk_playbooks (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    author TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE desk_plans (
    case_id TEXT PRIMARY KEY REFERENCES desk_cases (id) ON DELETE CASCADE,
    playbook_id TEXT NOT NULL,
    playbook_version INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE desk_plan_steps (
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    step_id TEXT NOT NULL,
    done_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, step_id)
);

CREATE TABLE desk_points_of_contact (
    id TEXT PRIMARY KEY,
    country TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    url TEXT NOT NULL,
    what_to_say TEXT NOT NULL
);

CREATE TABLE desk_constituency (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, value)
);

CREATE TABLE desk_deliveries (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES desk_cases (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    recipient TEXT NOT NULL,
    audience TEXT NOT NULL,
    format TEXT NOT NULL,
    subject TEXT NOT NULL,
    tlp TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX desk_deliveries_case ON desk_deliveries (case_id, created_at);

CREATE TABLE desk_followups (
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    day INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, target, day)
);

CREATE TABLE desk_consents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES desk_cases (id) ON DELETE CASCADE,
    party TEXT NOT NULL,
    purpose TEXT NOT NULL,
    given_at INTEGER NOT NULL,
    withdrawn_at INTEGER
);
CREATE INDEX desk_consents_case ON desk_consents (case_id);

CREATE TABLE desk_feed_imports (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    report_type TEXT NOT NULL,
    events INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    actor TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE desk_feed_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id TEXT NOT NULL REFERENCES desk_feed_imports (id) ON DELETE CASCADE,
    seen_at INTEGER NOT NULL,
    day TEXT NOT NULL,
    ip TEXT NOT NULL,
    port INTEGER,
    asn INTEGER,
    hostname TEXT,
    report_type TEXT NOT NULL,
    identifier TEXT NOT NULL,
    classification TEXT NOT NULL,
    organisation_id TEXT,
    digest_id TEXT
);
CREATE INDEX desk_feed_events_digest ON desk_feed_events (organisation_id, day, digest_id);
CREATE INDEX desk_feed_events_seen ON desk_feed_events (seen_at);

CREATE TABLE desk_digests (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    day TEXT NOT NULL,
    events INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (organisation_id, day)
);

-- What statistics keep of a case after retention removed it: counts only.
CREATE TABLE desk_aggregates (
    month TEXT NOT NULL,
    classification TEXT NOT NULL,
    region TEXT NOT NULL,
    sector TEXT NOT NULL,
    age_band TEXT NOT NULL,
    education TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (month, classification, region, sector, age_band, education)
);
