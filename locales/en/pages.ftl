# Result pages (issue 11): the report's summary, levels and points, how the
# score was made, retest and reuse, the per-domain address and history, the
# hall of fame and badges, the technical tables, the API page, times in
# words, the progress page's parts, and errors for people.

## Times
when-date-time = { $day } { $month } { $year }, { $time } UTC
when-month-1 = January
when-month-2 = February
when-month-3 = March
when-month-4 = April
when-month-5 = May
when-month-6 = June
when-month-7 = July
when-month-8 = August
when-month-9 = September
when-month-10 = October
when-month-11 = November
when-month-12 = December
when-just-now = just now
when-ago-seconds = { $count } seconds ago
when-ago-minutes = { $count ->
    [one] 1 minute ago
   *[other] { $count } minutes ago
}
when-ago-hours = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
when-ago-days = { $count ->
    [one] 1 day ago
   *[other] { $count } days ago
}

## The report page
report-tested-on = tested on
report-took = took { $seconds ->
    [one] 1 second
   *[other] { $seconds } seconds
}
report-latest-link = Latest result for this domain
report-history-link = History
report-json-link = JSON
report-summary = Summary
report-retest = Test again
report-test-now = Test now
report-reused = This result was made { $age }: a test of the same domain that recent is shown again instead of testing anew. To see the current state, test now.
report-latest-notice = This is the latest public result for this domain, from a test { $age }. Its permanent address:
report-latest-none = There is no public result for { $domain } yet. Test it from the start page.
report-verdict-not-scored = not scored
report-verdict-not-applicable = does not apply
report-verdict-informational = for information
report-count-pass = { $count } passed
report-count-fail = { $count } failed
report-count-warning = { $count ->
    [one] 1 warning
   *[other] { $count } warnings
}
report-count-info = { $count } for information
report-count-error = { $count } could not be tested
report-count-not-tested = { $count } not tested
report-level-required = Required
report-level-recommended = Recommended
report-level-optional = Optional
report-points = { $earned } of { $possible } points
report-points-gate = counts by passing (no points of its own)
report-points-none = does not count for the score
report-how-title = How the score was made
report-how-text = Each required check earns points when it passes (some earn part of them when they pass in part); recommended and optional checks inform you but do not count. A category's score is the points its required checks earned divided by the points they could earn. The overall score is the average of the scored categories, each weighing the same. A category with a check that could not be tested is not scored, and then neither is the whole report: a score without it could be higher than the truth.
report-how-category = Category
report-how-points = Points
report-how-result = Result
report-how-no-required = no required checks
report-how-not-scored = not scored: a required check could not be tested
report-how-not-applicable = does not apply: left out of the average
report-how-informational = for information only
report-how-overall = Overall: the average of { $scores } over { $count ->
    [one] one category
   *[other] { $count } categories
} is { $score }%.

## Technical tables
tech-title = Technical details
tech-addresses = Addresses
tech-host = Host
tech-address = Address
tech-ports = Ports
tech-routes = Routes and RPKI
tech-no-routes = not routed
tech-routes-unknown = not looked up
tech-routes-failed = the route origin source did not answer
tech-role-web = web server
tech-role-mail = mail server
tech-role-name = name server
tech-port-open = { $port } open
tech-port-closed = { $port } closed
tech-versions = TLS versions
tech-version = Version
tech-offered-head = Offered
tech-offered = yes
tech-not-offered = no
tech-unknown = unknown
tech-rating = Rating
tech-suites = Cipher suites
tech-suite = Suite
tech-with = With
tech-order-server = the server's order decides
tech-order-client = the client's order decides
tech-order-unknown = whose order decides is not known
tech-key-exchange = Key exchange
tech-group = Group
tech-none-seen = none seen
tech-dhe-named = finite-field group ffdhe{ $bits }
tech-dhe-custom = own finite-field group of { $bits } bits
tech-chain = Certificate chain
tech-chain-none = no TLS, so no certificate
tech-cert = Certificate
tech-cert-leaf = server certificate
tech-cert-intermediate = chain certificate { $n }
tech-names = Subject and issuer
tech-subject = subject
tech-issuer = issuer
tech-key = Key
tech-signature = Signature
tech-validity = Valid
tech-dane = DANE
tech-shared-this-worker = This server's TLS scan was made for another domain of the same monitoring scan within the last hour and reused here: the server is tested once, not once per domain it serves.
tech-shared-another-worker = This server's TLS scan was made by another worker of the same monitoring scan within the last hour and reused here: the server is tested once, not once per domain it serves.
tech-dane-name = TLSA name
tech-dane-status = Lookup
tech-dane-record = Record
tech-dane-secure = records found, signed with DNSSEC
tech-dane-insecure = records found, but not signed with DNSSEC (they must not be used)
tech-dane-bogus = DNSSEC validation of the records failed: { $reason }
tech-dane-none = no TLSA records
tech-dane-failed = the lookup failed: { $reason }

## History
history-title = History of { $domain }
history-empty = No public results yet.
history-first = The first public result of this domain.
history-no-change = No check changed since the result before.
history-absent = not tested

## Hall of fame and badges
fame-title = Hall of fame
fame-lead = Domains whose latest public test scores 100%. Put the badge on your own site: it always shows the latest score and links to the latest result.
fame-web = Websites
fame-mail = Mail domains
fame-empty = No domain here yet.
fame-embed = Code to embed the badge
fame-badge-alt = Indaba test result of { $domain }
badge-label-web = website test
badge-label-mail = mail test
badge-untested = not tested
badge-title = { $domain }: { $label } { $value }
home-fame-link = Hall of fame: domains that score 100%
nav-fame = Hall of fame

## The progress page
progress-queued-at = Waiting for a free tester: place { $position } in the queue.
progress-finished = The test is finished; opening the result…
progress-parts = Parts of the test
progress-part-dns = DNS lookups
progress-part-dnssec = DNSSEC
progress-part-connections = Connections (IPv4 and IPv6)
progress-part-tls = TLS and certificates
progress-part-http = Web pages and headers
progress-part-routing = Routes (RPKI)
progress-part-waiting = not started
progress-part-running = { $finished } of { $started } done
progress-part-done = done

## The API page
apidocs-title = The Indaba API
apidocs-intro = Everything the site does, a program can do with JSON over HTTPS: test a domain, follow the test, read the report; with an API key, test many domains in one batch. This page shows the API's OpenAPI document; tools can read the document itself:
apidocs-document = openapi.json
apidocs-keys-title = API keys
apidocs-keys-text = Single tests need no key. Batches need an API key: ask the administrators of this Indaba instance for one (they make keys on the administration page and can revoke them). Send it in the Authorization header:
apidocs-errors-text = Every error answer is JSON of one shape, {"{"}"error": "…"{"}"}, with the HTTP status saying what kind of error it is; 429 and 503 answers say in Retry-After when to try again, and a server error names an incident that the administrators can look up.
apidocs-operations = Operations
apidocs-needs-key = needs an API key
apidocs-parameters = Parameters
apidocs-body = Request body
apidocs-responses = Answers
apidocs-schemas = Schemas
apidocs-name = Name
apidocs-in = In
apidocs-type = Type
apidocs-field = Field
apidocs-required = Required
apidocs-description = Description
apidocs-status = Status
apidocs-schema = Schema
apidocs-yes = yes
apidocs-no = no

## Errors for people
error-internal-incident = The server could not finish this request. Please try again later; if it happens again, tell the administrators the incident number { $incident }.
error-too-large-title = Too much data
error-too-large-text = The form or upload is larger than this site accepts ({ $kib } KiB). Send less, or split it.
error-too-many-title = Too many requests
error-too-many-text = Your address has sent many requests in a short time. Please wait { $seconds } seconds and try again.

## The admin page (safe to use)
admin-role-admin = Administrator
admin-role-analyst = Analyst (CERT, secretariat)
admin-role-member = Member (an organisation's staff)
admin-group-government = Government
admin-group-cert = CERT
admin-group-isp = Internet service provider
admin-group-hosting = Hosting company
admin-group-finance = Bank or financial institution
admin-group-registry = Registry
admin-group-civil-society = Civil society
admin-group-academia = Academia
admin-group-private-sector = Private sector
admin-group-technical-community = Technical community
admin-group-intergovernmental = Intergovernmental organisation
admin-group-other = Other
admin-org-disabled-label = Disabled
admin-org-disabled = The organisation was disabled, and { $count ->
    [one] one account of its people with it.
   *[other] { $count } accounts of its people with it.
}
admin-org-enabled = The organisation was enabled again. Its people's accounts stay disabled until you enable each.

## The password-reset mail (text wrapped at 78 columns, and HTML)
reset-mail-asked = Someone (hopefully you) asked to reset the password of your Indaba account.
reset-mail-choose = Choose a new password at this address within one hour; the link works once:
reset-mail-ignore = If you did not ask for this, ignore this message: your password stays as it is.

## A reset link that does not work says so before any form
reset-used = This link was already used: a password was set with it, and a link works once.
reset-expired = This link has expired: a link works for one hour.
reset-ask-new = Ask for a new link
