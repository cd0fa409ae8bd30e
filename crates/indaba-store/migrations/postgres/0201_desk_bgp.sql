-- BGP hijack cases (issue 14): prefix, expected and observed origin, the
-- time window, and route origin validation of both announcements.
CREATE TABLE desk_hijacks (
    case_id TEXT PRIMARY KEY REFERENCES desk_cases (id) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    expected_asn BIGINT NOT NULL,
    observed_asn BIGINT NOT NULL,
    seen_from BIGINT NOT NULL,
    seen_until BIGINT,
    rpki_observed TEXT NOT NULL,
    rpki_expected TEXT NOT NULL,
    verdict TEXT NOT NULL
);
CREATE INDEX desk_hijacks_prefix ON desk_hijacks (prefix);
