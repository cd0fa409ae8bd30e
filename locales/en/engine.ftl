# The top of a report: what the test found as a whole.

verdict-scored = Every category was tested and scored.
verdict-not-scored = { $count ->
    [one] One of the { $total } categories could not be tested, so the report has no overall score.
   *[other] { $count } of the { $total } categories could not be tested, so the report has no overall score.
}
