# The platform's own protection (issue 16): forms, sign-in throttling,
# notices, API keys, the audit log's client column.

platform-form-invalid-title = Form not understood
platform-form-invalid-text = This form's contents could not be read. Go back, reload the page and try again.

platform-signin-throttled = Too many failed sign-ins for this account. Wait { $seconds } seconds, then try again.
platform-signin-notice-subject = Failed sign-ins to your Indaba account
platform-signin-notice-body = Someone tried several times, without success, to sign in to the Indaba account { $email }. If it was you, nothing needs doing; further attempts are slowed down. If it was not, make sure your password is long and used nowhere else, and tell the platform's administrators.

platform-last-admin = At least one enabled administrator must remain: make someone else an administrator first.

platform-key-bad-expiry = An API key expires after 1 to { $max } days, or never (leave the field empty).
platform-key-revoked = The API key was revoked.
platform-key-label = Label
platform-key-owner = Owner
platform-key-created = Created
platform-key-last-used = Last used
platform-key-expires = Expires
platform-key-state = State
platform-key-live = working
platform-key-dead = revoked or expired
platform-key-never = never
platform-key-revoke = Revoke
platform-key-expires-days = Expires after (days; empty: never)

platform-audit-client = From
