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
