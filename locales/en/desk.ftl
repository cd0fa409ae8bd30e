# The response desk (issue 14): intake, recovery plans, triage, TLP, forwarding, feeds, statistics.

## Classifications (RSIT plus the desk's own)
desk-class-abusive-content-spam = Spam
desk-class-abusive-content-harmful-speech = Harmful speech
desk-class-abusive-content-violence = Violence
desk-class-malicious-code-infected-system = Infected system
desk-class-malicious-code-c2-server = Command-and-control server
desk-class-malicious-code-malware-distribution = Malware distribution
desk-class-malicious-code-malware-configuration = Malware configuration
desk-class-information-gathering-scanner = Scanning
desk-class-information-gathering-sniffing = Sniffing
desk-class-information-gathering-social-engineering = Social engineering
desk-class-intrusion-attempts-ids-alert = Intrusion detection alert
desk-class-intrusion-attempts-brute-force = Login attempts (brute force)
desk-class-intrusion-attempts-exploit = Exploit attempt
desk-class-intrusions-privileged-account-compromise = Administrator account compromised
desk-class-intrusions-unprivileged-account-compromise = User account compromised
desk-class-intrusions-application-compromise = Application compromised
desk-class-intrusions-system-compromise = System compromised
desk-class-intrusions-burglary = Burglary
desk-class-availability-ddos = Distributed denial of service
desk-class-availability-dos = Denial of service
desk-class-availability-outage = Outage
desk-class-availability-sabotage = Sabotage
desk-class-information-content-security-unauthorised-information-access = Unauthorised access to information
desk-class-information-content-security-unauthorised-information-modification = Unauthorised change of information
desk-class-information-content-security-data-loss = Data loss
desk-class-information-content-security-data-leak = Data leak
desk-class-fraud-unauthorised-use-of-resources = Unauthorised use of resources
desk-class-fraud-copyright = Copyright infringement
desk-class-fraud-masquerade = Masquerade
desk-class-fraud-phishing = Phishing
desk-class-vulnerable-weak-crypto = Weak cryptography
desk-class-vulnerable-ddos-amplifier = DDoS amplifier (open service)
desk-class-vulnerable-potentially-unwanted-accessible = Service open to the Internet
desk-class-vulnerable-information-disclosure = Information disclosure
desk-class-vulnerable-vulnerable-system = Vulnerable system
desk-class-other-other = Other
desk-class-other-undetermined = Not yet determined
desk-class-test-test = Test
desk-class-cybercrime-victim-identity-theft = Identity theft
desk-class-cybercrime-victim-online-fraud = Online fraud
desk-class-cybercrime-victim-sextortion = Sextortion
desk-class-cybercrime-victim-account-takeover = Account takeover
desk-class-cybercrime-victim-ransomware-home = Ransomware at home
desk-class-cybercrime-victim-ransomware-small-business = Ransomware in a small business
desk-class-bgp-hijack-origin-hijack = BGP origin hijack
desk-class-bgp-hijack-route-leak = Route leak

## Case states and priorities
desk-state-new = New
desk-state-open = Being worked on
desk-state-stalled = Waiting for others
desk-state-linked = Linked to an incident
desk-state-resolved = Resolved
desk-state-rejected = Closed without action
desk-priority-low = Low
desk-priority-normal = Normal
desk-priority-high = High
desk-priority-critical = Critical
desk-action-not-allowed = This cannot be done now: "{ $action }" is not possible while the case is { $state }.

## Intake problems
desk-intake-too-long = The description is longer than { $max } characters; please shorten it.
desk-intake-empty = Tell us what happened: answer the first question or describe it in your own words.
desk-intake-bad-email = That e-mail address does not look right. Correct it, or untick "contact me".
desk-playbook-invalid = The playbook cannot be saved: { $reason }

## The question flow
desk-q-what = What happened?
desk-a-what-identity-theft = Someone used my personal details (ID number, name) without my permission
desk-a-what-online-fraud = I paid or was tricked out of money online
desk-a-what-account-takeover = Someone took over one of my accounts (e-mail, social media)
desk-a-what-sextortion = Someone threatens to share intimate images of me
desk-a-what-ransomware = My files are locked and someone demands payment
desk-a-what-phishing = I received a suspicious message or found a fake website
desk-a-what-other = Something else
desk-q-where = Where did it happen?
desk-a-where-home = At home
desk-a-where-small-business = In my small business
desk-q-exposed = What may have been exposed? (tick all that apply)
desk-a-exposed-id-number = My ID or passport number
desk-a-exposed-bank-card = A bank card
desk-a-exposed-bank-account = My bank account details
desk-a-exposed-passwords = Passwords
desk-a-exposed-email-account = My e-mail account
desk-a-exposed-photos = Private photos
desk-a-exposed-none = Nothing that I know of
desk-q-done = What have you done already? (tick all that apply)
desk-a-done-told-bank = Told my bank
desk-a-done-changed-passwords = Changed my passwords
desk-a-done-police-report = Reported it to the police
desk-a-done-nothing = Nothing yet

## The public report form
desk-form-title = Report a cybercrime or an incident
desk-form-lead = Tell us what happened. You do not need an account, and you only need to give contact details if you want us to contact you. What you type is saved as you go: you can leave and come back through your private link.
desk-form-autosave = What you type is saved automatically.
desk-form-saved = Saved. Your private link (keep it to yourself): { $link }
desk-form-description = In your own words, what happened? (optional)
desk-form-short = A short title (optional)
desk-form-about-you = About you (optional)
desk-form-anonymous = You can stay anonymous, or give a first name or a pseudonym.
desk-form-name = Name or pseudonym
desk-form-country = Country (two letters, e.g. ZA)
desk-form-contact-ok = You may contact me by e-mail about this report
desk-form-email = E-mail address
desk-form-stats = Statistics (optional)
desk-form-stats-consent = You may count my age band, education and region in anonymous statistics
desk-form-age = Age band
desk-form-education = Education
desk-form-region = Region or province
desk-education = { $level ->
    [primary] Primary school
    [secondary] Secondary school
    [tertiary] College or university
   *[other] I would rather not say
}
desk-form-save = Save and come back later
desk-form-send = Send the report

## The reporter's status page
desk-status-title = Your report { $reference }
desk-status-state = Where it is:
desk-status-keep-link = This page is private: anyone with its link can read it. Keep the link to come back.
desk-status-progress = Steps done: { $done }
desk-step-now = Right away
desk-step-next = Next
desk-step-contact = Who to contact:
desk-step-say = What to say:
desk-step-letter = Download the pre-filled letter (PDF)
desk-step-done = Done
desk-step-tick = Mark as done
desk-step-undo = Undo
desk-status-messages = Messages
desk-status-from-desk = From the response desk
desk-status-from-you = From you
desk-status-write = Write to the response desk
desk-status-send = Send
desk-status-how = How are things now?
desk-status-solved = It is solved
desk-status-need-help = I still need help
desk-status-said-solved = You told us it is solved. Thank you.
desk-status-thanks = Thank you for letting us know.
desk-consent-title = Sharing your report
desk-consent-text = To stop the harm we may need to pass your report to the provider of the website or address concerned, or to the police. We only do so with your agreement.
desk-consent-given = You agreed to share with:
desk-consent-abuse = I agree to share it with the provider concerned
desk-consent-police = I agree to share it with the police
desk-case-notfound = There is no such case, or you may not see it.

## Mail
desk-mail-ack-subject = We received your report
desk-mail-ack-body = Thank you. We received your report and an analyst will read it. You can follow what happens, see your recovery plan and write to us on your private page: { $link }
desk-mail-reply-subject = About your report
desk-mail-reminder-subject = How are you doing? (day { $day })
desk-mail-reminder-body = We are following up on your report { $reference }. Has the problem been solved, or do you still need help? Reply to this message with "solved" or "still need help", or tell us on your private page.
desk-mail-forward-reminder-subject = Reminder: abuse report awaiting your answer (day { $day })
desk-mail-forward-reminder-body = We have not heard back about our report { $reference }. Please reply to this message, keeping the reference in the subject, to tell us what you found or did.
desk-mail-case-report-subject = Case report
desk-mail-case-report-body = Attached is our case report { $reference } (PDF and JSON). Please reply to this message, keeping the reference in the subject.
desk-mail-digest-subject = Security events in your network on { $day }
desk-mail-digest-body = { $count ->
    [one] One security event concerning your network was reported to us. The attached CSV lists it.
   *[other] { $count } security events concerning your network were reported to us. The attached CSV lists them.
}

## The desk's pages
desk-title = Response desk
desk-nav-label = Response desk
desk-view-open = Open cases
desk-view-overdue = Overdue
desk-view-mine = Assigned to me
desk-view-all = All cases
desk-search = Search
desk-search-results = Cases matching "{ $q }"
desk-select = Select
desk-col-reference = Reference
desk-col-tlp = Label
desk-col-title = Title
desk-col-class = Classification
desk-col-state = State
desk-col-priority = Priority
desk-col-assignee = Assignee
desk-col-due = Due
desk-overdue = Overdue
desk-none = No cases here.
desk-bulk = With the selected cases
desk-action = Action
desk-incident = Incident
desk-apply = Apply
desk-bulk-done = { $refused ->
    [0] Done.
    [one] Done; one case could not take the action.
   *[other] Done; { $refused } cases could not take the action.
}
desk-action-open = Start work
desk-action-stall = Wait for others
desk-action-link = Link to the incident
desk-action-unlink = Split from its incident
desk-action-merge-into = Merge into the incident
desk-action-reject = Reject
desk-action-resolve = Resolve
desk-action-reopen = Reopen
desk-act-done = Done: the case is now { $state }.
desk-update-invalid = Choose a priority, a label and a classification.
desk-saved = Saved.
desk-sent = Sent.
desk-door = Came in through
desk-reporter = Reporter
desk-plan-progress = Recovery plan
desk-consents = Consents
desk-description = What was reported
desk-part-of = Part of
desk-children = Reports and investigations
desk-observables = Observables
desk-contacts = Contacts:
desk-thread = Messages
desk-attachments = Attachments (downloads only, never opened here)
desk-work = Work on the case
desk-new-incident = New incident from this report
desk-create = Create
desk-constituent = Constituent
desk-save = Save
desk-enrich = Look up the observables
desk-enriched = Looked up { $count } observables.
desk-forward = Forward
desk-forward-to = To (address)
desk-forward-format = As
desk-format-xarf = Abuse report (X-ARF)
desk-format-cert = Case report for a partner CERT (PDF and JSON)
desk-format-police = Case report for the police (PDF and JSON)
desk-forward-source = Source (address, URL or domain; the first observable when empty)
desk-forward-summary = Summary for the recipient
desk-forward-send = Forward
desk-forward-bad-address = That is not an e-mail address.
desk-investigation-title = Outreach to { $to }
desk-write = Write
desk-write-to = To
desk-write-note = Internal note
desk-write-reporter = The reporter
desk-write-body = Text
desk-send = Send
desk-export = Export
desk-deliveries = Delivery log
desk-when = When
desk-to = To
desk-format = Format
desk-status = Status
desk-playbooks = Playbooks
desk-playbook-source = Markdown with front matter
desk-playbook-save = Save as a new version
desk-settings = Settings
desk-pocs = Single points of contact
desk-poc-kind = Kind (bank, police, credit-bureau, registrar, platform)
desk-poc-phone = Phone
desk-poc-url = Web address
desk-poc-say = What to say
desk-poc-reach = How to reach
desk-constituency = Constituencies
desk-resource = Domain, prefix or AS number
desk-resource-contact = Address for notices and digests
desk-resource-invalid = That is not a domain, a prefix or an AS number.
desk-person = One person's data
desk-person-export = Export
desk-person-erase = Erase
desk-erased = Erased { $count } cases.
desk-member-title = Incidents of my organisation
desk-member-cases = Cases concerning my organisation
desk-member-sent = Sent as { $reference }.

## Statistics
desk-stats-title = Incident statistics
desk-stats-method = Counts of reports received by the response desk. To protect the people who reported, a count below { $k } is not shown (and, where the total would give it away, the next smallest is hidden too); age band, education and region are counted only for people who agreed. Cases past their retention period are counted without any personal details.
desk-stats-csv = Download as CSV
desk-stats-count = Reports
desk-stats-total = Total
desk-stats-classification = By type
desk-stats-month = By month
desk-stats-region = By region
desk-stats-sector = By sector
desk-stats-age-band = By age band
desk-stats-education = By education

## BGP hijacks
desk-bgp-rpki-catches = { $observed } announcing { $prefix } is RPKI-invalid while { $expected } is valid: networks that validate routes drop the hijack; ask the upstreams of { $observed } to filter it.
desk-bgp-no-roa = No ROA covers { $prefix }: nothing lets networks tell { $expected } from { $observed }. The holder should publish a ROA for { $expected }.
desk-bgp-observed-authorised = A ROA authorises { $observed } to announce { $prefix }: either the announcement is legitimate or the ROA is wrong; ask the holder of { $prefix }.
desk-bgp-roa-wrong = Neither { $observed } nor { $expected } is authorised for { $prefix } by its ROAs: the holder should correct them.
desk-bgp-title = Report a BGP hijack
desk-bgp-prefix = Prefix
desk-bgp-expected = Expected origin AS
desk-bgp-observed = Observed origin AS
desk-bgp-from = First seen (RFC 3339)
desk-bgp-until = Last seen (RFC 3339, empty while it goes on)
desk-bgp-rpki = RPKI: observed { $observed }, expected { $expected }
desk-bgp-invalid = Give a prefix, two different AS numbers and a time window that ends after it starts.
