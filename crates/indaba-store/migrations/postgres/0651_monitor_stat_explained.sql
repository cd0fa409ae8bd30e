-- Comply or explain in statistics (issue 13): of each check row's failed
-- and warned domains, how many an owner's explanation in force at the
-- scan's finish covered. Rows written before this migration count none
-- until their scan is summed up again.
ALTER TABLE monitor_stat_checks ADD COLUMN explained_failed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE monitor_stat_checks ADD COLUMN explained_warned BIGINT NOT NULL DEFAULT 0;
