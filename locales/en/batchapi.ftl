# internet.nl-compatible batch API (/api/batch/v2/): error messages (the
# "msg" of its error answers) and the API page's section about it.
batchapi-unknown-request = This request_id does not exist for the user.
batchapi-invalid-url = Make sure you are using a valid URL and the current batch API version ({ $version }).
batchapi-server-error = General server error (incident { $incident }). Please report this if it keeps happening.
batchapi-bad-json = Problem parsing json. Did you supply a JSON object with the expected fields?
batchapi-missing = Missing from the request: { $fields }.
batchapi-bad-type = 'type' is not one of the expected values (web, mail).
batchapi-domain-count = A request has 1 to { $most } domains.
batchapi-bad-name = 'name' is at most { $most } characters, without control characters.
batchapi-bad-domain = The domain "{ $domain }" cannot be tested: { $reason }
batchapi-bad-limit = 'limit' is a whole number: 0 for all requests, else how many.
batchapi-bad-status = 'status' does not have one of the supported values: ['cancelled'].
batchapi-not-done = The request is not yet `done`.
apidocs-batch-title = internet.nl's batch API
apidocs-batch-text = Tools written for internet.nl's batch API (its dashboard among them) can use this instance: the API lives under /api/batch/v2/ and speaks internet.nl's version 2, with its test names, statuses and categories. Sign in with HTTP Basic authentication: the user name is your account's e-mail address, the password one of your API keys. Its OpenAPI document, readable without signing in:
