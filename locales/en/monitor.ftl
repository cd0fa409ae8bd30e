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

monitor-scan-kinds-not-in-list = The list runs { $list } tests; { $kinds } is not among them.
monitor-scan-cannot-cancel = A scan that is { $state } cannot be cancelled.
monitor-scan-bad-transition = A scan that is { $state } cannot do that.
monitor-job-refused = Not tested: { $reason }
monitor-job-gave-up = Given up after { $attempts } attempts: { $reason }

## Pages of lists, imports and scans.
monitor-title = Monitoring
monitor-problem-title = That did not work
monitor-not-found = There is no such list, scan or import, or it is not yours to see.
monitor-list-name-taken = A list of that name exists already.
monitor-no-lists = No lists yet.
monitor-list-name = Name
monitor-domains = Domains
monitor-kinds = Tests
monitor-schedule = Schedule
monitor-unscheduled = Not scheduled
monitor-next-run = next:
monitor-owner-org = Organisation (id)
monitor-new-list = New list
monitor-create = Create
monitor-recent-scans = Recent scans
monitor-scans = Scans
monitor-scan = Scan
monitor-state = State
monitor-state-queued = queued
monitor-state-running = running
monitor-state-finishing = finishing
monitor-state-done = done
monitor-state-cancelled = cancelled
monitor-count-queued = Queued
monitor-count-running = Running
monitor-count-done = Done
monitor-count-error = Errors
monitor-count-cancelled = Cancelled
monitor-count-total = Tests
monitor-list-summary = { $domains ->
    [one] one domain
   *[other] { $domains } domains
}
monitor-export-csv = Export as CSV
monitor-export-xlsx = Export as XLSX
monitor-export-ods = Export as ODS
monitor-start-scan = Scan now
monitor-col-domain = Domain
monitor-col-organisation = Organisation
monitor-col-sector = Sector
monitor-col-country = Country
monitor-col-tags = Tags
monitor-remove = Remove
monitor-more = More domains
monitor-add-domain = Add a domain
monitor-add = Add
monitor-import = Import
monitor-import-file = A .csv, .xlsx or .ods file with a “domain” column
monitor-import-start = Import
monitor-settings = Settings
monitor-save = Save
monitor-cadence-daily = daily
monitor-cadence-weekly = weekly
monitor-cadence-biweekly = every two weeks
monitor-cadence-monthly = monthly
monitor-cadence-quarterly = quarterly
monitor-cancel = Cancel the scan
monitor-errors = Tests that ended in error
monitor-back-to-list = Back to the list
monitor-import-state-reading = Reading the file…
monitor-import-state-writing = Writing the domains to the list…
monitor-import-state-done = Imported.
monitor-import-state-failed = The file was not imported.
monitor-import-rows = Rows read
monitor-import-domains = Distinct domains
monitor-import-merged-count = Duplicates merged
monitor-import-bad-count = Bad rows left out
monitor-import-written = Domains written
monitor-import-problems = Rows to look at
monitor-import-line = Line
monitor-import-left-out = Left out:
monitor-import-upload-broken = The upload could not be read; try again.
monitor-import-no-file = Choose a file to import.
