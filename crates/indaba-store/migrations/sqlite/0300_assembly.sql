-- The umbrella partnership (issue 15): organisations' directory entries,
-- applications, committees, proposals, polls, outcomes, events, knowledge
-- base, awareness pages, self-assessments and outreach. Times are Unix
-- seconds; ids are random text; booleans 0/1.

ALTER TABLE organisations ADD COLUMN sector TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE assembly_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE codes_of_conduct (
    version INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    organisation_name TEXT NOT NULL,
    stakeholder TEXT NOT NULL,
    sector TEXT NOT NULL,
    country TEXT NOT NULL,
    website TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    motivation TEXT NOT NULL,
    listed INTEGER NOT NULL,
    coc_version INTEGER NOT NULL REFERENCES codes_of_conduct (version),
    submitted_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    decided_at INTEGER,
    decided_by TEXT,
    reasons TEXT NOT NULL DEFAULT '',
    organisation_id TEXT REFERENCES organisations (id)
);
CREATE INDEX applications_by_state ON applications (state, due_at);

CREATE TABLE reminders_sent (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    recipient TEXT NOT NULL,
    stage INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (kind, subject, recipient, stage)
);

CREATE TABLE committees (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    mandate TEXT NOT NULL,
    visibility TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE committee_terms (
    committee_id TEXT NOT NULL REFERENCES committees (id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    PRIMARY KEY (committee_id, version)
);

CREATE TABLE committee_seats (
    committee_id TEXT NOT NULL REFERENCES committees (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (committee_id, user_id)
);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    committee_id TEXT NOT NULL REFERENCES committees (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    visibility TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE proposal_revisions (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    revision INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, revision)
);

CREATE TABLE proposal_comments (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    at INTEGER NOT NULL
);

CREATE TABLE amendments (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    rationale TEXT NOT NULL,
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    decided_at INTEGER
);

CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL UNIQUE REFERENCES proposals (id),
    method TEXT NOT NULL,
    quorum INTEGER NOT NULL,
    anonymous INTEGER NOT NULL,
    results TEXT NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    closed_at INTEGER
);

-- The voter list, frozen when the poll opens: names and groups as they were.
CREATE TABLE poll_voters (
    poll_id TEXT NOT NULL REFERENCES polls (id),
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    grp TEXT NOT NULL,
    voted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, user_id)
);

-- Ballots of an anonymous poll keep no user, group or time, and (WITHOUT
-- ROWID, random keys) no insertion order either.
CREATE TABLE ballots (
    id TEXT PRIMARY KEY,
    poll_id TEXT NOT NULL REFERENCES polls (id),
    user_id TEXT,
    grp TEXT,
    position TEXT NOT NULL,
    reason TEXT NOT NULL,
    cast_at INTEGER
) WITHOUT ROWID;
CREATE INDEX ballots_by_poll ON ballots (poll_id);

CREATE TABLE outcomes (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    statement TEXT NOT NULL,
    record TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    supersedes TEXT REFERENCES outcomes (id),
    superseded_by TEXT REFERENCES outcomes (id)
);
CREATE TRIGGER outcomes_never_edited BEFORE UPDATE OF id, proposal_id, statement, record, published_at, published_by, supersedes ON outcomes
BEGIN
    SELECT RAISE(ABORT, 'a published outcome is never edited; publish one that supersedes it');
END;
CREATE TRIGGER outcomes_superseded_once BEFORE UPDATE OF superseded_by ON outcomes
WHEN OLD.superseded_by IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an outcome is superseded once');
END;
CREATE TRIGGER outcomes_never_deleted BEFORE DELETE ON outcomes
BEGIN
    SELECT RAISE(ABORT, 'a published outcome is never deleted');
END;

CREATE TABLE implementations (
    proposal_id TEXT PRIMARY KEY REFERENCES proposals (id),
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    note TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE implementation_links (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (proposal_id, kind, target)
);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    committee_id TEXT REFERENCES committees (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL,
    location TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    capacity INTEGER,
    visibility TEXT NOT NULL,
    minutes TEXT NOT NULL DEFAULT '',
    minutes_published_at INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX events_by_start ON events (starts_at);

CREATE TABLE event_registrations (
    event_id TEXT NOT NULL REFERENCES events (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    attended INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, user_id)
);

CREATE TABLE event_proposals (
    event_id TEXT NOT NULL REFERENCES events (id),
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    PRIMARY KEY (event_id, proposal_id)
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    visibility TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles (id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    at INTEGER NOT NULL,
    author_id TEXT,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    accepted_answer TEXT
);

CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    at INTEGER NOT NULL
);

-- Full-text search over guides, articles and answered questions.
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    visibility UNINDEXED,
    title,
    body,
    tokenize = 'porter unicode61'
);

CREATE TABLE awareness_pages (
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (slug, lang)
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    taken_at INTEGER NOT NULL,
    taken_by TEXT NOT NULL
);
CREATE INDEX assessments_by_scope ON assessments (scope, taken_at);

CREATE TABLE assessment_answers (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    question TEXT NOT NULL,
    score INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (assessment_id, question)
);

CREATE TABLE outreach_optouts (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    at INTEGER NOT NULL
);

CREATE TABLE mailings (
    id TEXT PRIMARY KEY,
    audience TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    sent_by TEXT NOT NULL
);

CREATE TABLE mailing_deliveries (
    mailing_id TEXT NOT NULL REFERENCES mailings (id),
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    state TEXT NOT NULL,
    detail TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (mailing_id, user_id)
);
