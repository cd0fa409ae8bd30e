-- internet.nl-compatible batch API (issue 13): a request is a batch of jobs
-- (its id is also the `batches` row's id, so the jobs carry it) with the
-- fields internet.nl's API shows, its domains until they are registered as
-- jobs, and its generated results.
CREATE TABLE batch_requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE REFERENCES batches (id),
    owner TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    finished_at INTEGER,
    results TEXT,
    results_technical TEXT
);
CREATE INDEX batch_requests_by_owner ON batch_requests (owner, seq);
CREATE INDEX batch_requests_by_status ON batch_requests (status, seq);

CREATE TABLE batch_request_domains (
    request_id TEXT NOT NULL REFERENCES batch_requests (id),
    position INTEGER NOT NULL,
    domain TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
);
