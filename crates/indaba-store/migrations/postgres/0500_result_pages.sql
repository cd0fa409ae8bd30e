-- Result pages (issue 11): which reports are public (single tests anyone
-- ran, never batch or API-key work), with what the lists need to pick them
-- without reading report bodies; and how far each running test has got.
CREATE TABLE public_reports (
    report_id TEXT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    score BIGINT,
    outcome TEXT NOT NULL
);
CREATE INDEX public_reports_by_domain ON public_reports (kind, domain, started_at);
CREATE INDEX public_reports_by_time ON public_reports (started_at);
CREATE INDEX public_reports_by_score ON public_reports (score, kind);

CREATE TABLE job_progress (
    job_id TEXT PRIMARY KEY,
    progress TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
