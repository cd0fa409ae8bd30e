-- The triage list walks cases by due date (bench/desk: without this index a
-- list of 100,000 cases was sorted on every request).
CREATE INDEX desk_cases_due ON desk_cases (draft, resolve_by, created_at);
CREATE INDEX desk_cases_kind_due ON desk_cases (kind, draft, resolve_by, created_at);
