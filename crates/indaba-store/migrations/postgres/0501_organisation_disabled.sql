-- Result pages and a safe admin (issue 11): an organisation is disabled,
-- never deleted, so that its audit trail and history stay whole.
ALTER TABLE organisations ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
