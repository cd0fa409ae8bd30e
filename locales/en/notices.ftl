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
