# Owner notices (issue 13): the daily digest of regressions (and, for those
# who asked, improvements) that monitoring found, and the pages of its
# opt-out and subscription links.

## The digest
notices-subject-regressions = { $count ->
    [one] Indaba: a security regression on 1 domain
   *[other] Indaba: security regressions on { $count } domains
}
notices-subject-improvements = { $count ->
    [one] Indaba: a security improvement on 1 domain
   *[other] Indaba: security improvements on { $count } domains
}
notices-why-owner = Indaba's monitoring found changes since the previous scan on domains of your organisation. You receive this because your organisation owns these domains.
notices-why-security-txt = Indaba's monitoring found changes since the previous scan on domains whose security.txt names this address as their contact.
notices-why-rdap = Indaba's monitoring found changes since the previous scan on domains whose registration data (RDAP) names this address as their abuse contact.
notices-domain = { $domain }
notices-regression = { $check }: passed at the previous scan, fails now.
notices-improvement = { $check }: failed at the previous scan, passes now.
notices-unreachable = The domain was tested at the previous scan but could not be tested this time.
notices-reachable = The domain could not be tested at the previous scan and was tested this time.
notices-found = What was found: { $summary }
notices-evidence = Seen: { $line }
notices-guide = How to fix it: { $link }
notices-report = The whole report:
notices-opt-out-lead = To receive no more of these notices at this address:
notices-improvements-lead = To be told of improvements as well:

## The links' pages
notices-bad-link-title = This link does not work
notices-bad-link-text = The link is incomplete or was not made by this platform. Use the link in the notice exactly as it came.
notices-opt-out-title = Stop these notices
notices-opt-out-confirm = No more notices will be sent to { $contact }. Confirm with the button.
notices-opt-out-button = Stop the notices
notices-opt-out-done-title = No more notices
notices-opt-out-done-text = No more notices will be sent to { $contact }.
notices-improvements-title = Be told of improvements
notices-improvements-confirm = { $contact } will also be told when a check that failed passes again. Confirm with the button.
notices-improvements-button = Tell me of improvements
notices-improvements-done-title = Improvements too
notices-improvements-done-text = { $contact } will be told of improvements as well as regressions.

## The delivery log (analysts and admins)
notices-log-title = Delivery log of owner notices
notices-log-link = Delivery log of owner notices
notices-log-intro = Every digest of owner notices, newest first: to whom, when, what it told, in which language, and what the mail relay answered.
notices-log-empty = No digest has been made yet.
notices-log-to = To
notices-log-when = When
notices-log-what = What
notices-log-language = Language
notices-log-state = State
notices-log-answer = SMTP answer
notices-log-source-owner = owner organisation
notices-log-source-security-txt = security.txt
notices-log-source-rdap = RDAP abuse contact
notices-log-changes = { $count ->
    [one] 1 finding
   *[other] { $count } findings
}
notices-log-domains = { $count ->
    [one] on 1 domain: { $domains }
   *[other] on { $count } domains: { $domains }
}
notices-log-more = and { $count } more
notices-log-lists = List: { $lists }
notices-log-sent-at = the relay took it { $when }
notices-log-state-sending = being sent
notices-log-state-sent = sent
notices-log-state-failed = not sent (the relay did not take it; tried again another day)
notices-log-state-bounced = bounced: no more mail to this address
notices-log-state-opted-out = not sent: the contact opted out
notices-log-newer = Newer
notices-log-older = Older
notices-log-page = Page { $page } of { $pages }

## Languages, each in its own words
notices-language-en = English
notices-language-nl = Nederlands

## The organisation's language, in the admin
notices-org-language = Language of notices
notices-org-language-unknown = not known (English)
notices-org-language-save = Save the language
notices-org-language-saved = Notices to { $name } will be written in { $language }.
notices-org-language-bad = There is no translation in that language.
