## The umbrella partnership (issue 15): members, committees, proposals and
## decisions, events, knowledge base, self-assessment, outreach.

assembly-nav-label = Partnership
assembly-nav-home = Partnership
assembly-nav-record = Public record
assembly-nav-committees = Committees
assembly-nav-events = Events
assembly-nav-knowledge = Knowledge base
assembly-nav-awareness = Awareness
assembly-nav-members = Members
assembly-nav-apply = Join

assembly-title-home = The partnership
assembly-home-lead = Government, the CERT, operators, businesses, civil society and academia deciding together, in the open.
assembly-recent = Recent proposals and decisions
assembly-upcoming = Upcoming events
assembly-record-lead = Every input, process and decision of the partnership that you may see, from draft to outcome and implementation.
assembly-partnership = The partnership
assembly-none = None yet.
assembly-refused-title = That cannot be done
assembly-optout = Send me no outreach mail
assembly-search = Search
assembly-no-hits = Nothing found.
assembly-hit-guide = Guide
assembly-hit-article = Article
assembly-hit-question = Answered question

## Stakeholder groups, visibility, roles

assembly-group = Stakeholder group
assembly-group-government = Government
assembly-group-private-sector = Private sector
assembly-group-technical-community = Technical community
assembly-group-civil-society = Civil society
assembly-group-academia = Academia
assembly-group-cert = CERT
assembly-group-intergovernmental = Intergovernmental
assembly-group-other = Other
assembly-visibility = Visible to
assembly-visibility-committee = The committee
assembly-visibility-partnership = The partnership
assembly-visibility-public = Everyone
assembly-role = Role
assembly-role-chair = Chair
assembly-role-member = Member
assembly-role-observer = Observer (speaks, does not vote)

## Members and applications

assembly-members-title = Members
assembly-members-public = Members who chose to be listed publicly.
assembly-not-listed = not listed publicly
assembly-sector = Sector
assembly-country = Country
assembly-country-code = Country (ISO 3166-1 code, e.g. ZA)
assembly-website = Website
assembly-listed = List us in the public member directory
assembly-organisation = Organisation
assembly-contact-name = Contact person
assembly-motivation = Why do you want to join?
assembly-apply-title = Apply to join
assembly-apply-lead = The membership committee reviews every application within { $days } days and mails you its decision with its reasons.
assembly-apply-submit = Send the application
assembly-applied-title = Application received
assembly-applied-text = Thank you. The membership committee will decide by { $due } and mail you.
assembly-coc-title = Code of conduct
assembly-coc-version = Code of conduct, version { $version }
assembly-coc-accept = I have read and accept the code of conduct, version { $version }
assembly-coc-publish = Publish as a new version
assembly-no-code = No code of conduct has been published yet; applications open once it is.
assembly-applications-title = Applications
assembly-applications-all = All applications
assembly-applications-overdue = Only overdue applications
assembly-application-pending = Waiting for review
assembly-application-admitted = Admitted
assembly-application-declined = Declined
assembly-submitted = Submitted
assembly-due = Review due
assembly-overdue = overdue
assembly-state = State
assembly-reasons = Reasons
assembly-decision = Decision
assembly-admit = Admit
assembly-decline = Decline
assembly-decide = Record the decision
assembly-settings-title = Partnership settings
assembly-review-days = Days to review an application
assembly-max-share = Largest share of a committee's voting seats one group may hold (%)
assembly-membership-committee = Membership committee (reviews applications)
assembly-markdown = Text (Markdown)

## Committees

assembly-committees-title = Committees
assembly-committee = Committee
assembly-committee-new = New committee
assembly-mandate = Mandate
assembly-terms = Terms of reference
assembly-terms-history = History of the terms of reference
assembly-terms-revise = Revise the terms of reference
assembly-change-note = What changed
assembly-version = version { $version }
assembly-seats = Seats
assembly-remove-seat = (take the seat away)
assembly-balance = Balance of voting seats
assembly-voting-total = { $count } voting seats
assembly-balance-warning = Warning: { $group } holds more than its share of the voting seats.
assembly-balance-limit = the limit is { $share } %
assembly-voting-seats = Voting seats
assembly-observers = Observers
assembly-share = Share
assembly-ical = Calendar (iCalendar)

## Proposals, polls, outcomes

assembly-proposals = Proposals
assembly-proposal-draft = Save the draft
assembly-title = Title
assembly-text = Text
assembly-updated = Last change
assembly-state-draft = Draft
assembly-state-discussion = In discussion
assembly-state-voting = Poll open
assembly-state-closed = Poll closed
assembly-state-decided = Decided
assembly-state-withdrawn = Withdrawn
assembly-open-discussion = Open the discussion
assembly-withdraw = Withdraw
assembly-history = History
assembly-revision = Revision { $revision }
assembly-revision-draft = the draft
assembly-revision-amendment = an accepted amendment
assembly-comments = Discussion
assembly-comment = Your comment
assembly-comment-send = Comment
assembly-amendments = Amendments
assembly-amendment-text = The text as you would amend it
assembly-rationale = Why
assembly-amend = Propose the amendment
assembly-amendment-pending = waiting for the author
assembly-amendment-accepted = accepted by the author
assembly-amendment-rejected = rejected by the author
assembly-accept = Accept
assembly-reject = Reject
assembly-poll = Decision poll
assembly-no-poll = No poll yet.
assembly-method = Method
assembly-method-proposal = Agree, abstain, disagree or block
assembly-method-consent = Consent or objection
assembly-quorum = Quorum (% of eligible voters)
assembly-quorum-of = quorum { $quorum } %
assembly-quorum-reached = quorum reached
assembly-quorum-not-reached = quorum not reached
assembly-closing = Closes (UTC, YYYY-MM-DDTHH:MM)
assembly-closes = closes { $when }
assembly-poll-closed = closed
assembly-results-shown = Results shown
assembly-results-after-vote = to each voter once they have voted
assembly-results-after-close = only when the poll closes
assembly-results-hidden = The results are hidden until you vote or until the poll closes.
assembly-anonymous = anonymous
assembly-open-poll = Open the poll
assembly-close-poll = Close the poll now
assembly-eligible = Eligible voters
assembly-voted = Voted
assembly-voted-of = { $voted } voted
assembly-your-position = Your position
assembly-change-vote = Change your position
assembly-reason = Reason (required to disagree, block or object)
assembly-vote = Vote
assembly-results = Results
assembly-position-agree = Agree
assembly-position-abstain = Abstain
assembly-position-disagree = Disagree
assembly-position-block = Block
assembly-position-consent = Consent
assembly-position-objection = Objection
assembly-verdict-carried = Carried
assembly-verdict-blocked = Blocked
assembly-verdict-not-carried = Not carried
assembly-verdict-no-quorum = No quorum
assembly-outcome = Outcome
assembly-no-outcome = No outcome published yet.
assembly-statement = The decision
assembly-publish-outcome = Publish the outcome
assembly-published = published { $when }
assembly-superseded = superseded
assembly-supersedes = supersedes an earlier outcome
assembly-supersede = Publish an outcome that supersedes this one
assembly-turnout = Turnout by stakeholder group
assembly-positions = Positions and reasons
assembly-implementation = Implementation
assembly-impl-not-started = Not started
assembly-impl-in-progress = In progress
assembly-impl-done = Done
assembly-impl-abandoned = Abandoned
assembly-progress = Progress (%)
assembly-note = Note
assembly-link = Link
assembly-link-proposal = Proposal
assembly-link-event = Meeting
assembly-link-id = Its id

## Events

assembly-events-title = Events
assembly-event-new = New event
assembly-event-kind = Kind
assembly-event-kind-seminar = Seminar
assembly-event-kind-webinar = Webinar
assembly-event-kind-meeting = Meeting
assembly-starts = Starts (UTC, YYYY-MM-DDTHH:MM)
assembly-hours = Hours
assembly-location = Where
assembly-capacity = Seats (empty: no limit)
assembly-agenda = Agenda
assembly-registration = Registration
assembly-registered-count = { $count } registered
assembly-waiting-count = { $count } on the waiting list
assembly-registration-registered = You are registered.
assembly-registration-waiting = You are on the waiting list.
assembly-registration-cancelled = You cancelled.
assembly-register = Register
assembly-cancel-registration = Cancel my registration
assembly-attendance = Attendance by stakeholder group
assembly-attended = attended
assembly-minutes = Minutes
assembly-no-minutes = No minutes published yet.
assembly-publish-minutes = Publish the minutes

## Knowledge base, questions, awareness

assembly-knowledge-title = Knowledge base
assembly-article-new = New article
assembly-topic = Topic
assembly-edit = Edit
assembly-questions = Questions and answers
assembly-question = Your question
assembly-question-detail = Details
assembly-ask = Ask
assembly-answers = Answers
assembly-answer = Your answer
assembly-answer-send = Answer
assembly-accept-answer = Accept this answer
assembly-accepted-answer = Accepted answer
assembly-awareness-title = Awareness
assembly-awareness-new = New awareness page
assembly-awareness-tips = Top tips
assembly-awareness-campaign = Campaign
assembly-kind = Kind
assembly-language = Language
assembly-slug = Address (optional)

## Self-assessment

assembly-assessment-title = Multistakeholder self-assessment
assembly-assessment-lead = The Internet Society's attributes of multistakeholder decision-making, answered from 0 (not at all) to 4 (fully), with evidence, repeated over time.
assembly-trend = Over time
assembly-when = When
assembly-overall = Overall
assembly-evidence = Evidence (link)
assembly-assess-now = Assess now
assembly-score = Answer
assembly-scale-0 = 0 — not at all
assembly-scale-1 = 1 — a little
assembly-scale-2 = 2 — partly
assembly-scale-3 = 3 — mostly
assembly-scale-4 = 4 — fully
assembly-trend-up = up
assembly-trend-down = down
assembly-trend-level = level
assembly-trend-new = first
assembly-attr-inclusiveness = Inclusiveness and transparency
assembly-attr-responsibility = Collective responsibility
assembly-attr-decision-making = Effective decision-making and implementation
assembly-attr-collaboration = Collaboration through distributed and interoperable governance
assembly-q-inclusiveness-affected = Do those significantly affected by a decision-making process have a chance to be involved in it?
assembly-q-inclusiveness-practical-barriers = What practical barriers to entry exist (language, cost of participation, technical and process knowledge, cultural norms), and are there ways to mitigate them?
assembly-q-inclusiveness-formal-barriers = What formal barriers to entry exist (membership criteria and restrictions), are they absolutely necessary, and what alternatives would widen participation?
assembly-q-inclusiveness-shared-understanding = Do all stakeholders share an understanding of the importance of transparency to inclusion, legitimacy, participation and quality of output?
assembly-q-inclusiveness-committed = Are all stakeholders committed to being as transparent as possible across inputs, process and outputs, and to documenting when and why transparency is not possible?
assembly-q-responsibility-stewardship = Do all stakeholders share a sense of collective responsibility, in their respective roles, and the same goals of stewardship of a global public good?
assembly-q-decision-making-shared-goals = Before substantive discussions begin, does everyone agree on shared goals, so the core questions are not debated again and again?
assembly-q-decision-making-feasible = Is it clear from the outset that an outcome can feasibly be implemented by all relevant stakeholders?
assembly-q-decision-making-how-decided = Is there a common understanding across stakeholder groups of how decisions will be made?
assembly-q-decision-making-operators-involved = Have those who operate the infrastructure or are most affected been part of making the decision, and was the process inclusive and transparent enough to ease implementation?
assembly-q-collaboration-other-processes = Have we identified other processes or organisations working in this space, connected with them, and do we respect their roles and use their outputs?
assembly-q-collaboration-all-stakeholders = In deliberating and deciding, have we identified all stakeholders and collaborated with every interested or affected party?
assembly-q-collaboration-tools = Have the right tools been used so stakeholders can scale up creative conversations and make connections organically?
assembly-q-collaboration-sharing = Are we open to sharing our findings and adopting the best working practices of other processes or organisations?

## Outreach

assembly-outreach-title = Outreach
assembly-audience = To
assembly-audience-all = Every member
assembly-subject = Subject
assembly-send = Send
assembly-mailings = Mailings sent
assembly-deliveries = Delivery log
assembly-delivery-sent = sent
assembly-delivery-failed = failed
assembly-delivery-opted-out = opted out, not sent

## Mail

assembly-mail-admitted-subject = { $organisation } is admitted to the partnership
assembly-mail-admitted-body =
    Welcome: the membership committee admitted { $organisation } to the partnership.

    Reasons: { $reasons }

    Choose the password of your account here (the link works for seven days):
    { $link }
assembly-mail-declined-subject = Your application for { $organisation }
assembly-mail-declined-body =
    The membership committee decided not to admit { $organisation } to the partnership.

    Reasons: { $reasons }
assembly-mail-no-reasons = none given
assembly-mail-review-subject = Application to review: { $organisation }
assembly-mail-review-reminder =
    The application of { $organisation } is due for review by { $due }.
    { $link }
assembly-mail-review-overdue =
    The review of the application of { $organisation } is overdue (it was due by { $due }).
    { $link }
assembly-mail-poll-subject = Your position is awaited: { $title }
assembly-mail-poll-reminder =
    The poll on "{ $title }" closes { $closes } and you have not answered yet.
    { $link }
assembly-mail-event-subject = Reminder: { $title }
assembly-mail-event-reminder =
    { $title } starts { $starts }. { $location }
    { $link }
assembly-mail-optout-footer = You receive this as a member of the partnership; to receive no more, tick "Send me no outreach mail" at { $link }

## Refusals

assembly-error-title = A title needs 1 to { $max } characters, without control characters.
assembly-error-body = The text must not be empty and may have at most { $max } characters.
assembly-error-country = { $code } is not an ISO 3166-1 country code (e.g. ZA, BW, KE).
assembly-error-website = A website is an address starting with https:// or http://.
assembly-error-email = That is not an e-mail address.
assembly-error-group = Choose a stakeholder group.
assembly-error-coc-not-accepted = Please accept the code of conduct to apply.
assembly-error-coc-outdated = The code of conduct changed while you were reading it: please read and accept version { $current }.
assembly-error-no-code = No code of conduct has been published yet.
assembly-error-already-decided = This has been decided already.
assembly-error-reason-required = Give the reasons for declining.
assembly-error-org-exists = An organisation named { $name } is a member already.
assembly-error-user-exists = { $email } has an account already.
assembly-error-committee-exists = A committee named { $name } exists already.
assembly-error-settings = Review days must be 1 to 365, the share 1 to 100 %, and the membership committee one that exists.
assembly-error-transition = A proposal cannot go from { $from } to { $to }.
assembly-error-state = Unknown step.
assembly-error-not-author = Only the proposal's author answers its amendments.
assembly-error-not-in-discussion = The proposal is not in discussion.
assembly-error-not-eligible = You are not on this poll's list of voters (observers and those seated after it opened do not vote).
assembly-error-poll-closed = The poll is closed.
assembly-error-poll-open = The poll is still open.
assembly-error-no-poll = There is no poll.
assembly-error-already-voted = You have voted already; an anonymous ballot cannot be changed.
assembly-error-position = Choose one of the poll's positions.
assembly-error-reason-for = Give a reason for your position ({ $position }).
assembly-error-quorum = The quorum is a percentage from 0 to 100.
assembly-error-closing = The closing date must be after now and within a year.
assembly-error-not-supersedable = Only the live outcome of this proposal can be superseded.
assembly-error-not-decided = Implementation is tracked once the outcome is published.
assembly-error-progress = Progress is a whole percentage from 0 to 100.
assembly-error-link = Link to a proposal or an event that exists (by its id).
assembly-error-capacity = Seats: a number from 1 to { $max }, or empty.
assembly-error-schedule = The event must end after it starts, within two weeks.
assembly-error-event-over = The event is over.
assembly-error-question = Unknown question.
assembly-error-score = Answers go from 0 to { $max }.
assembly-error-evidence = Evidence is a link starting with https://, http:// or /.
assembly-error-no-answers = Answer at least one question.
assembly-error-language = Give a language code such as en or fr.
assembly-error-audience = Choose who the mailing is for.
