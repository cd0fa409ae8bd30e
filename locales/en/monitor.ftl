## Monitoring at scale (issue 12): lists, imports, scans, the job queue,
## schedules, workers.

monitor-kinds-unknown = “{ $value }” is not a test kind: give web, mail or web,mail.
monitor-cadence-unknown = “{ $value }” is not a schedule: give daily, weekly, biweekly, monthly or quarterly.
monitor-list-name-empty = Give the list a name.
monitor-list-name-bad = A list name has at most { $max } characters and no control characters.

monitor-import-no-domain = No domain in this row.
monitor-import-bad-domain = “{ $value }” is not a domain that can be tested: { $reason }
monitor-import-bad-country = “{ $value }” is not an ISO 3166-1 country code (such as ZA or NL).
monitor-import-field-too-long = The { $column } is longer than { $max } characters.
monitor-import-control-character = The { $column } contains a control character.
monitor-import-bad-tag = The tag “{ $tag }” is longer than { $max } characters or contains a control character.
monitor-import-too-many-tags = { $count } tags; at most { $max } are allowed.
monitor-import-error-cell = The { $column } cell holds the spreadsheet error { $value }.
monitor-import-unknown-column = The column “{ $column }” is not one Indaba reads; it was ignored.
monitor-import-no-domain-column = The header row has no domain column: name one column “domain”.
monitor-import-too-many-domains = The list would have more than { $max } domains.
monitor-import-merged = { $domain } was already on line { $first }; this row was merged into it.
monitor-import-merged-conflicts = { $domain } was already on line { $first }; this row was merged into it, keeping { $conflicts }.
monitor-import-conflict = the { $field } “{ $kept }” (not “{ $dropped }”)
monitor-import-unreadable = The file could not be read: { $reason }
monitor-import-unknown-format = Give a .csv, .xlsx or .ods file.
monitor-import-too-large = The file is larger than { $max } bytes.

monitor-scan-cannot-cancel = A scan that is { $state } cannot be cancelled.
monitor-scan-bad-transition = A scan that is { $state } cannot do that.
monitor-job-refused = Not tested: { $reason }
monitor-job-gave-up = Given up after { $attempts } attempts: { $reason }
