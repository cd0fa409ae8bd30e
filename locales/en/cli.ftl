# The command line's words (`indaba check`, `indaba catalogue`).

cli-not-scored = not scored
cli-report-heading = { $kind } of { $target }: { $score }
cli-report-meta = engine { $engine }, policy { $policy }, started { $started }, took { $ms } ms
cli-note = note:
cli-guide = guide:
cli-level-required = required
cli-level-recommended = recommended
cli-level-optional = optional
cli-catalogue-id = ID
cli-catalogue-category = CATEGORY
cli-catalogue-level = LEVEL
cli-catalogue-points = POINTS
cli-catalogue-kinds = TESTS
cli-catalogue-title = TITLE (STANDARDS)
cli-catalogue-footer = Required checks count for the score; every check's guide id is its id.
