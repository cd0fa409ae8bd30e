# The words of the web and transport checks: TLS, certificates, DANE (for
# the web and for mail servers), HTTPS redirect, HSTS, security headers,
# CSP and security.txt. Data (addresses, records, header values, what a
# probe wrote in its own words) comes in as arguments and is shown as it is.

## What is missing: the summary of a check that could not pass because the
## thing it tests is not there (it earns no points).

web-not-tested-no-https = Not tested: no web server answers over HTTPS.
web-not-tested-some-https = Not tested: { $missing } of { $total } web server addresses do not answer over HTTPS.
mail-not-tested-no-starttls = Not tested: no mail server offers working STARTTLS.
mail-not-tested-some-starttls = Not tested: { $missing } of { $total } mail server addresses do not offer working STARTTLS.

## TLS (web.tls.*, mail.tls.*, web.https.available, mail.starttls.available)

# One address: "Pass: offered: TLS 1.3 (good), TLS 1.2 (sufficient)".
tls-address-verdict = { $status }: { $detail }
tls-no-addresses = Not tested: there is no server address to test.
tls-none = none
tls-rated = { $what } ({ $rating })
tls-probe-failed = { $reason }
tls-probe-skipped = { $reason }
tls-reach-no-listener = nothing accepts connections on this port ({ $reason })
tls-reach-no-starttls = no STARTTLS: { $reason }
tls-reach-unreachable = the server could not be reached: { $reason }
tls-reach-timeout = no answer in time: { $reason }
tls-reach-protocol = the server's answer could not be followed: { $reason }
tls-reach-no-answer = the server did not answer every ClientHello
tls-reach-refused-all = the server refused every TLS version
tls-reach-ok = a TLS handshake succeeded

tls-available-pass = TLS is available on every address.
tls-available-fail = TLS is not available on every address.
tls-available-error = Whether TLS is available could not be tested on every address.
tls-available-handshake = TLS handshake succeeded ({ $versions })

tls-version-pass = Only secure TLS versions are offered.
tls-version-fail = Insecure TLS or SSL versions are offered.
tls-version-error = The TLS versions could not be tested on every address.
tls-version-offered = offered: { $offered }
tls-version-insufficient = insufficient: { $bad }; offered: { $offered }
tls-version-untested = could not test { $unknown }; offered: { $offered }
tls-version-unknown = { $version } ({ $reason })

tls-ciphers-pass = Only secure cipher suites are offered.
tls-ciphers-warning = Cipher suites to be phased out are offered.
tls-ciphers-fail = Insufficiently secure cipher suites are offered.
tls-ciphers-error = The cipher suites could not be tested on every address.
tls-suite-with-version = { $suite } ({ $version })
tls-insufficient-and-phase-out = insufficient: { $bad }; phase out: { $phase_out }
tls-phase-out = phase out: { $items }
tls-ciphers-incomplete = enumeration incomplete: { $versions }
tls-ciphers-all-secure = { $count ->
    [one] one suite, good or sufficient
   *[other] { $count } suites, all good or sufficient
}

tls-cipher-order-pass = The servers prefer secure cipher suites.
tls-cipher-order-fail = A server does not prefer secure cipher suites over phase-out ones.
tls-cipher-order-error = The cipher order could not be tested on every address.
tls-cipher-order-not-applicable = Only TLS 1.3 is offered, where the server's cipher order does not matter.
tls-cipher-order-only-13 = only TLS 1.3 is offered, where the order does not matter
tls-cipher-order-no-result = { $version } was accepted but its suites were not enumerated
tls-cipher-order-no-choice = { $version }: no choice between phase-out and secure suites, so the order does not matter
tls-cipher-order-client = { $version }: the server follows the client's order, so a client preferring { $suite } gets it
tls-cipher-order-undetermined = { $version }: whose order the server follows could not be determined
tls-cipher-order-prefers = { $version }: the server prefers { $preferred } to { $over }
tls-cipher-order-server = { $version }: the server prefers its secure suites to the phase-out ones

tls-key-exchange-pass = The key-exchange parameters are secure.
tls-key-exchange-warning = Key-exchange parameters to be phased out are offered.
tls-key-exchange-fail = Insufficiently secure key exchange is offered.
tls-key-exchange-error = The key exchange could not be tested on every address.
tls-key-exchange-not-applicable = No ECDHE, DHE or RSA key exchange was seen, so there are no parameters to judge.
tls-group-with-kind = { $group } ({ $kind })
tls-groups-untested = { $kind } groups: { $reason }
tls-dhe-ffdhe = DHE ffdhe{ $bits }
tls-dhe-modp = DHE { $bits }-bit RFC 3526 MODP group
tls-dhe-custom = DHE { $bits }-bit custom group
tls-rsa-key-exchange = RSA key exchange ({ $suites })
tls-key-exchange-untested = could not test { $what }
tls-key-exchange-none-seen = no ECDHE, DHE or RSA key exchange was seen
tls-key-exchange-secure = { $groups }

tls-kex-hash-pass = The key exchange is signed with a secure hash.
tls-kex-hash-warning = A server signs the key exchange with SHA-224 when asked.
tls-kex-hash-fail = A server signs the key exchange with SHA-1 when asked.
tls-kex-hash-error = The key-exchange hash could not be tested on every address.
tls-kex-hash-signed = signed with { $algorithm } when only { $hash } was offered
tls-kex-hash-unused = SHA-1 and SHA-224 signatures are not used

tls-compression-pass = TLS compression is off.
tls-compression-fail = A server uses TLS compression.
tls-compression-error = TLS compression could not be tested on every address.
tls-compression-chosen = { $version }: the server chose compression method { $method }
tls-compression-null = { $version }: DEFLATE offered, null compression chosen

tls-secure-renegotiation-pass = Secure renegotiation is supported.
tls-secure-renegotiation-fail = A server does not support secure renegotiation.
tls-secure-renegotiation-error = Secure renegotiation could not be tested on every address.
tls-renegotiation-info-missing = no renegotiation_info with { $versions }
tls-renegotiation-info-present = renegotiation_info with { $versions }
tls-renegotiation-only-13 = only TLS 1.3 is offered, which has no renegotiation

tls-client-renegotiation-pass = Client-initiated renegotiation is refused.
tls-client-renegotiation-warning = A server allows client-initiated renegotiation.
tls-client-renegotiation-error = Client-initiated renegotiation could not be tested on every address.
tls-client-renegotiation-accepted = { $version }: { $accepted } of { $attempts } renegotiations accepted
tls-client-renegotiation-refused = { $version }: { $detail }

tls-zero-rtt-pass = 0-RTT is not accepted.
tls-zero-rtt-fail = A server accepts 0-RTT early data.
tls-zero-rtt-error = 0-RTT could not be tested on every address.
tls-zero-rtt-too-early = early data accepted but answered 425 Too Early
tls-zero-rtt-accepted = early data accepted and acted on ({ $detail })
tls-zero-rtt-not-accepted = { $detail }

tls-ocsp-pass = The servers staple OCSP responses.
tls-ocsp-info = A server does not staple an OCSP response.
tls-ocsp-warning = A server staples an unusable OCSP response.
tls-ocsp-not-applicable = The certificates name no OCSP responder.
tls-ocsp-error = OCSP stapling could not be tested on every address.
tls-ocsp-no-certificate = no certificate: { $reason }
tls-ocsp-none-presented = no certificate was presented
tls-ocsp-stored-not-base64 = the stored certificate or staple is not base64
tls-ocsp-no-responder = the certificate names no OCSP responder
tls-ocsp-not-stapled = no OCSP response stapled
tls-ocsp-stapled = a successful OCSP response is stapled
tls-ocsp-unsuccessful = the stapled OCSP response has status { $code }, not successful
tls-ocsp-malformed = the staple is malformed: { $reason }
tls-ocsp-certificate-unreadable = the certificate does not parse: { $reason }
tls-ocsp-der = { $reason }
tls-ocsp-not-sequence = not a DER SEQUENCE
tls-ocsp-no-status = no responseStatus
tls-ocsp-status-range = a response status out of range

tls-ems-pass = Extended master secret is supported.
tls-ems-fail = A server does not support extended master secret.
tls-ems-error = Extended master secret could not be tested on every address.
tls-ems-not-applicable = No server offers TLS 1.2, so extended master secret does not apply.
tls-ems-offered = TLS 1.2: extended_master_secret
tls-ems-missing = TLS 1.2: no extended_master_secret
tls-ems-no-tls12 = TLS 1.2 is not offered

## Certificates (web.cert.*, mail.cert.*)

cert-no-servers = Not tested: there is no server certificate to judge.
cert-not-tested-no-certificate = Not tested: a server presented no certificate.
cert-untested = { $status }: { $reason }
cert-none-sent = the server sent no certificate
cert-stored-not-base64 = the stored certificate is not base64 ({ $reason })
cert-role-server = server certificate
cert-role-chain = chain certificate { $position }
cert-labelled = { $role } ({ $subject })
cert-empty-name = (empty)
cert-details = { $role }: { $summary }
cert-summary = subject { $subject }; issuer { $issuer }; key { $key } ({ $key_rating }); signature { $signature } ({ $signature_rating }); valid { $not_before } to { $not_after }
cert-unreadable = { $certificate } could not be read: { $error }
cert-leaf-unreadable = the server certificate could not be read
cert-not-examined = { $count ->
    [one] one more certificate was sent and not examined
   *[other] { $count } more certificates were sent and not examined
}

cert-key-rsa = RSA { $bits } bits
cert-key-dsa = DSA { $bits } bits
cert-key-ec = EC { $curve }
cert-key-named = { $name }
cert-key-other = key algorithm { $algorithm }
cert-curve = { $name }
cert-curve-oid = curve { $oid }
cert-curve-explicit = explicit curve parameters
cert-curve-implicit = an implicit curve

cert-error-parse = not a valid X.509 certificate ({ $reason })
cert-error-time = a validity time out of range ({ $seconds })
cert-error-trailing = { $count ->
    [one] one byte follows the certificate's DER encoding
   *[other] { $count } bytes follow the certificate's DER encoding
}

cert-trust-pass = The certificate chain leads to a trusted root.
cert-trust-fail = The certificate chain does not lead to a trusted root.
cert-trust-info = Not every chain leads to a trusted root, but DANE authenticates those servers.
cert-trust-error = The certificate chain could not be tested everywhere.
cert-trusted = trusted: { $path }
cert-untrusted = not trusted: { $reasons }
cert-untrusted-validation = not trusted: { $reasons } (validation: { $validation })
cert-untrusted-but-dane = { $detail }; DANE authenticates this server, so PKIX trust is not needed

cert-distrust-self-signed = the server certificate is self-signed
cert-distrust-untrusted-root = the chain ends in the root { $subject }, which is not trusted
cert-distrust-unknown-issuer = the issuer { $issuer } is neither sent by the server nor a trusted root (missing intermediate certificate?)
cert-distrust-expired = { $certificate } expired on { $date }
cert-distrust-not-yet-valid = { $certificate } is not valid before { $date }
cert-distrust-weak-signature = { $certificate } is signed with { $algorithm }, which is no longer accepted
cert-distrust-weak-key = { $certificate } has a { $key } key, too short to be accepted
cert-distrust-unreadable = { $certificate } could not be read: { $error }

cert-path-unknown-issuer = no chain to a trusted root: an issuer certificate is neither sent by the server nor a trusted root
cert-path-expired = a certificate on the chain has expired
cert-path-not-yet-valid = a certificate on the chain is not valid yet
cert-path-bad-signature = a certificate's signature does not verify
cert-path-unsupported-algorithm = a certificate uses a signature algorithm or key that is not accepted (such as SHA-1, MD5 or RSA under 2048 bits)
cert-path-not-allowed = a certificate is used for what it may not do ({ $what })
cert-path-malformed = a certificate is malformed or unsupported ({ $what })
cert-path-distrusted = a certificate's key is explicitly distrusted
cert-path-too-complex = the chain is too complex to validate
cert-path-not-through-record = no valid chain passes through the certificate the TLSA record names
cert-path-other = validation failed ({ $what })
cert-misuse-ca-as-server = a CA certificate as server certificate
cert-misuse-server-as-issuer = a server certificate as issuer of another
cert-misuse-no-server-auth = not for TLS servers: no serverAuth extended key usage
cert-misuse-path-length = path length constraint
cert-misuse-name-constraints = name constraints

cert-public-key-pass = Every certificate key is strong enough.
cert-public-key-warning = A certificate key is of a kind to phase out.
cert-public-key-fail = A certificate key is too weak.
cert-public-key-error = The certificate keys could not be tested everywhere.
cert-key-rated = { $certificate }: key { $key } ({ $rating })
cert-store-root-not-judged = { $certificate }: a root of the trust store, not judged

cert-signature-pass = Every certificate is signed with a secure hash.
cert-signature-warning = A certificate is signed with a hash to phase out.
cert-signature-fail = A certificate is signed with an insecure hash.
cert-signature-error = The certificate signatures could not be tested everywhere.
cert-signature-rated = { $certificate }: signed with { $algorithm } ({ $rating })
cert-self-signed-not-judged = { $certificate }: self-signed with { $algorithm }; its own signature is not relied on, not judged

cert-name-pass = The certificate matches the server name.
cert-name-fail = The certificate does not match the server name.
cert-name-info = Not every certificate matches the server name, but DANE authenticates those servers.
cert-name-error = The certificate name could not be tested everywhere.
cert-name-but-dane = { $detail }; DANE authenticates this server
cert-name-matched = the certificate names { $name }
cert-name-matched-pattern = { $name } matches the certificate name { $pattern }
cert-name-mismatch = { $names } not among the certificate's names: { $presented }
cert-name-no-san-no-cn = the certificate has no subjectAltName dNSName and no common name
cert-name-no-san = the certificate has no subjectAltName dNSName; its common name { $common_names } does not count (RFC 9525)
cert-name-unreadable = the certificate's subjectAltName could not be read: { $reason }
cert-san-unreadable = { $reason }
cert-names-none = (none)
cert-names-more = and { $count } more

cert-expiry-pass = The certificate is valid and not about to expire.
cert-expiry-warning = A certificate expires within { $days } days.
cert-expiry-fail = A certificate has expired or is not valid yet.
cert-expiry-error = The certificate validity could not be tested everywhere.
cert-expired-on = expired on { $date }
cert-not-valid-before = not valid before { $date }
cert-expires-soon = expires on { $date }, in { $days ->
    [one] one day
   *[other] { $days } days
}
cert-valid-until = valid from { $from } until { $until } ({ $days ->
    [one] one day
   *[other] { $days } days
} left)

## DANE (web.dane.*, mail.dane.*)

dane-no-servers = Not tested: there is no server to look up TLSA records for.
dane-tlsa-subject = { $name } TLSA
dane-verdict = { $status }: { $detail }
dane-records-signed = { $count ->
    [one] one record, signed with DNSSEC: { $records }
   *[other] { $count } records, signed with DNSSEC: { $records }
}
dane-no-records = no TLSA records
dane-records-insecure = TLSA records exist but are not signed with DNSSEC (insecure), so clients must not use them (RFC 6698 §4.1): { $records }
dane-records-bogus = DNSSEC validation of the TLSA records fails (bogus): { $reason }
dane-lookup-failed = the TLSA lookup failed: { $reason }
dane-exists-pass = DANE TLSA records are published and signed with DNSSEC.
dane-exists-fail = Not every server has DANE TLSA records signed with DNSSEC.
dane-exists-info = No DANE TLSA records are published.
dane-exists-error = The TLSA records could not be looked up everywhere.

dane-valid-pass = The DANE TLSA records authenticate every server.
dane-valid-fail = The DANE TLSA records do not authenticate every server.
dane-valid-error = DANE could not be tested on every server.
dane-valid-info = There are no DNSSEC-signed TLSA records to validate.
dane-valid-no-records = Not tested: there are no DNSSEC-signed TLSA records to validate.
dane-nothing-to-validate = no DNSSEC-signed TLSA records at { $name } to validate
dane-record-matches = the record { $record } matches { $at }
dane-record-matches-named = { $matched }; { $name }
dane-no-usable-records = none of the TLSA records can be used, so they authenticate nothing
dane-record-ignored = ignored { $record }: { $reason }
dane-at-server-certificate = the server certificate
dane-at-depth = the chain certificate at depth { $depth }
dane-at-key-in-record = the public key published in the record, which signed the certificate at depth { $depth }
dane-failure-no-match = no usable TLSA record matches the certificates the server presents
dane-failure-chain-invalid = the record { $record } matches { $at }, but the chain does not validate from it: { $error }
dane-failure-pkix-invalid = the record { $record } matches { $at }, but PKIX validation fails: { $error }
dane-failure-name-mismatch = the record { $record } matches { $at } and the chain is valid, but { $name }
dane-failure-no-certificate = the server presented no certificate
dane-unusable-usage = usage { $value } is not a usage a client can use
dane-unusable-selector = selector { $value } is not a selector a client can use
dane-unusable-matching-type = matching type { $value } is not a matching type a client can use
dane-unusable-pkix-smtp = { $usage } is not used for SMTP (RFC 7672 §3.1.3); use DANE-EE(3) or DANE-TA(2)
dane-unusable-digest-length = the digest is { $found } bytes where the matching type needs { $expected }
dane-unusable-empty = the record has no certificate association data
dane-unusable-weaker-digest = a SHA2-512 record with the same usage and selector takes precedence (RFC 7671 §9)
dane-unusable-too-many = only the first { $count } records are examined

dane-rollover-pass = Every server's TLSA records allow a key rollover.
dane-rollover-info = Not every server's TLSA records allow a key rollover.
dane-rollover-error = The TLSA records could not be judged everywhere.
dane-rollover-no-records = Not tested: there are no DNSSEC-signed TLSA records to judge.
dane-no-signed-records = Not tested: no DNSSEC-signed TLSA records
dane-rollover-ready = { $ee } DANE-EE and { $ta } DANE-TA records: a key change can be published ahead
dane-rollover-missing = { $ee } DANE-EE and { $ta } DANE-TA records: publish a record for the next key (or the issuer) before changing keys (RFC 7671 §8.1)
cert-not-recorded = the certificates were not recorded: { $reason }

## The web server's HTTP answers (shared by HSTS, headers, redirect, security.txt)

web-no-address = Not tested: there is no web server address to test.
web-https-not-fetched = the home page was not fetched over HTTPS
web-headers-untested = The headers could not be tested: no web server address answered over HTTPS.
web-address-untested = { $status }: { $reason }
web-domain-invalid = The domain name is not valid: { $reason }
http-failure-timeout = no complete answer in time ({ $reason })
http-failure-refused = the connection was refused ({ $reason })
http-failure-tls = the TLS handshake failed ({ $reason })
http-failure-too-large = the answer was larger than accepted ({ $reason })
http-failure-protocol = the answer was not valid HTTP ({ $reason })
http-failure-cancelled = not asked: the test's time or connection budget ran out ({ $reason })
http-failure-blocked = not contacted: this instance does not test this address ({ $reason })

## HSTS (web.https.hsts)

hsts-pass = Every web server address sends HSTS with a max-age of at least one year.
hsts-error = HSTS could not be tested on every web server address.
hsts-who-one = The web server
hsts-who-some = At least one web server address
hsts-fail = { $kind ->
    [invalid] { $who } sends an invalid Strict-Transport-Security header, which browsers ignore.
    [zero] { $who } switches HSTS off with max-age=0.
    [short] { $who } sends HSTS with a max-age shorter than one year (31536000 seconds).
   *[missing] { $who } sends no Strict-Transport-Security header.
}
hsts-address-untested = { $status }: { $reason }
hsts-no-header = no Strict-Transport-Security header; send Strict-Transport-Security: max-age=31536000
hsts-header = Strict-Transport-Security: { $value }
hsts-several-headers = { $count } Strict-Transport-Security headers were received; only the first counts (RFC 6797 §8.1), the others are ignored: { $others }; send a single header
hsts-invalid-ignored = invalid, so browsers ignore the header: { $error }
hsts-max-age-zero = max-age=0 tells browsers to forget HSTS for this host (RFC 6797 §6.1.1)
hsts-max-age-short = max-age is { $seconds } seconds ({ $days }), shorter than the one year (31536000) required
hsts-max-age-good = max-age is { $seconds } seconds ({ $days }), at least one year
hsts-days = { $days ->
    [one] one day
   *[other] { $days } days
}
hsts-about-days = { $days ->
    [one] about one day
   *[other] about { $days } days
}
hsts-directives = includeSubDomains: { $subdomains }; preload: { $preload }
hsts-subdomains-covered = yes, subdomains are covered
hsts-yes = yes
hsts-no = no
hsts-ignored-directives = directives browsers ignore: { $directives }
hsts-syntax = { $what } at byte { $at } (RFC 6797 §6.1 grammar)
hsts-syntax-expected-name = expected a directive name, found { $found }
hsts-syntax-not-a-value = { $name }= is followed by { $found }, not a value
hsts-syntax-no-value = { $name }= has no value
hsts-syntax-expected-separator = expected ";" or the end, found { $found }
hsts-syntax-unclosed-quote = a quoted value is not closed
hsts-syntax-bad-escape = a backslash in a quoted value escapes nothing
hsts-syntax-in-quoted-value = { $found } is not allowed in a quoted value
hsts-byte-comma = a comma (several headers combined into one? only the first counts)
hsts-byte-char = "{ $char }"
hsts-byte-hex = the byte { $hex }
hsts-duplicate = the directive { $name } appears more than once; RFC 6797 §6.1 allows each directive once
hsts-missing-max-age = max-age is missing; it is required (RFC 6797 §6.1.1)
hsts-max-age-without-value = max-age has no value; give a number of seconds, e.g. max-age=31536000
hsts-bad-max-age = max-age={ $value } is not a number of seconds (digits only, RFC 6797 §6.1.1)
hsts-value-not-allowed = includeSubDomains takes no value (RFC 6797 §6.1.2), but has ={ $value }

## HTTPS redirect (web.https.redirect)

redirect-pass = Plain HTTP on { $host } redirects to HTTPS on the same host.
redirect-https-only = { $host } does not serve plain HTTP at all, only HTTPS.
redirect-fail = Plain HTTP on { $host } does not send every visitor straight to HTTPS on the same host.
redirect-error = Not every address of { $host } could be tested over plain HTTP.
redirect-address = { $status }: { $detail }
redirect-not-fetched = plain HTTP was not fetched
redirect-no-https = no HTTPS on this address to redirect to: { $reason }
redirect-no-listener = nothing listens on port 80, so there is no plain-HTTP site to protect
redirect-same-host = redirects to { $location }
redirect-elsewhere = redirects first to { $location }, not to HTTPS on { $host }
redirect-none = answers { $status } over plain HTTP without redirecting to HTTPS

## security.txt (web.security_txt.valid)

sectxt-pass = A valid security.txt is published.
sectxt-one-problem = security.txt has a problem: { $problem }.
sectxt-problems = security.txt has { $count } problems; the first: { $first }.
sectxt-missing = No security.txt: { $url } answered HTTP { $status }.
sectxt-not-fetched = security.txt could not be fetched: { $reason }.
sectxt-http-status = HTTP { $status }
sectxt-served = HTTP 200, { $content_type }, { $bytes } bytes
sectxt-no-content-type-short = no Content-Type
sectxt-advice = publish https://<your domain>/.well-known/security.txt as text/plain; charset=utf-8 with at least Contact: and Expires: (see securitytxt.org)
sectxt-recommendation = recommendation: { $detail }
sectxt-note = note: { $detail }
sectxt-line = line { $line }
sectxt-subject-file = file
sectxt-subject-url = URL
sectxt-subject-signature = signature
sectxt-subject-fetch = fetch

sectxt-not-over-https = served from { $url }; security.txt must be served over HTTPS (RFC 9116 §3)
sectxt-legacy-location = found at the legacy location /security.txt; RFC 9116 §3 places it at /.well-known/security.txt
sectxt-no-content-type = no Content-Type; it must be text/plain; charset=utf-8 (RFC 9116 §3)
sectxt-bad-content-type = "{ $value }"; it must be text/plain; charset=utf-8 (RFC 9116 §3)
sectxt-bad-charset = charset={ $charset }; the file must be UTF-8 (RFC 9116 §3): use charset=utf-8
sectxt-no-charset = text/plain without a charset; add charset=utf-8 so no browser guesses
sectxt-too-large = the file is { $bytes } bytes, more than the 32 KiB (32768 bytes) accepted; a contact file should be a few hundred bytes
sectxt-too-large-cut = the file is larger than the 32 KiB ({ $bytes } bytes) accepted (the download was cut off); a contact file should be a few hundred bytes
sectxt-not-utf8 = the file is not UTF-8 (RFC 9116 §3): an invalid byte on line { $line }, at offset { $offset }
sectxt-bad-signed-message = the OpenPGP signed message is malformed: { $problem }
sectxt-signed-armor-header = line { $line } should be an armor header such as "Hash: SHA256" or the empty line before the signed text
sectxt-signed-no-empty-line = no empty line after the BEGIN PGP SIGNED MESSAGE header
sectxt-signed-no-signature = no -----BEGIN PGP SIGNATURE----- line after the signed text
sectxt-signed-no-end = no -----END PGP SIGNATURE----- line
sectxt-signed-not-first-line = the signed message starts on line { $line }, not on the first line, so the text before it is not signed

sectxt-no-contact = no Contact field; at least one is required (RFC 9116 §2.5.3), e.g. Contact: mailto:security@example.org
sectxt-unusual-scheme = { $uri }: the { $scheme }: scheme is unusual; researchers expect mailto:, https: or tel:
sectxt-no-expires = no Expires field; exactly one is required (RFC 9116 §2.5.5), e.g. Expires: 2026-12-31T23:59:59Z
sectxt-expires-repeated = Expires appears { $count } times (lines { $lines }); exactly one is allowed (RFC 9116 §2.5.5)
sectxt-expired = the file expired on { $date } ({ $days ->
    [one] one day ago
   *[other] { $days } days ago
}), so researchers must not trust it (RFC 9116 §2.5.5); update it and set a new date
sectxt-expires-far = { $date } is { $days } days ahead; RFC 9116 §2.5.5 recommends less than a year, so that the file is reviewed regularly
sectxt-expires-in = { $date }, in { $days ->
    [one] one day
   *[other] { $days } days
}
sectxt-languages-repeated = Preferred-Languages appears { $count } times (lines { $lines }); it may appear only once (RFC 9116 §2.5.8)
sectxt-not-canonical = the file was fetched from { $url }, which is not among its Canonical URIs ({ $canonical }); list every URI the file is served from (RFC 9116 §2.5.2)
sectxt-signature-not-verified = the file is OpenPGP cleartext-signed; the signature was not verified
sectxt-signed-without-canonical = a signed file should name its location with Canonical (RFC 9116 §2.3), so a copy cannot be passed off elsewhere

sectxt-not-a-line = not a field (Name: value), a comment (#) or an empty line
sectxt-leading-whitespace = a line may not start with a space or tab (only an extension field may continue on such a line)
sectxt-bad-field-name = "{ $name }" is not a field name (printable ASCII without spaces or colons)
sectxt-separator = { $name }: the colon must be followed by exactly one space and the value
sectxt-empty-value = { $name } has no value
sectxt-bad-uri = { $field }: "{ $value }" is not a URI ({ $reason }; RFC 3986)
sectxt-uri-syntax = { $reason }
sectxt-uri-no-host = an https: URI needs a host
sectxt-uri-no-mail-address = a mailto: URI needs an e-mail address
sectxt-uri-no-number = a tel: URI needs a number
sectxt-not-https = { $field }: { $value } is a web URI, so it must begin with https:// (RFC 9116 §2.5)
sectxt-bad-csaf = CSAF: { $value } must be an https:// URL ending in /provider-metadata.json (CSAF 2.0 §7.1.8)
sectxt-bad-expires = Expires: "{ $value }" is not an RFC 3339 date-time such as 2026-12-31T23:59:59Z ({ $reason })
sectxt-expires-separator = the date and the time must be separated by "T"
sectxt-expires-parse = { $reason }
sectxt-languages-empty = Preferred-Languages: an empty language tag (two commas, or a comma at an end)
sectxt-languages-bad-tag = Preferred-Languages: "{ $tag }" is not a language tag such as en or pt-BR ({ $reason }; RFC 5646)
sectxt-control-in-field = the { $name } field contains a control character
sectxt-control-in-comment = the comment contains a control character
sectxt-byte-order-mark = the file starts with a byte order mark (U+FEFF); save it as UTF-8 without one
sectxt-not-dash-escaped = a line of signed text that starts with "-" must be dash-escaped as "- -" (RFC 4880 §7.1)
sectxt-text-after-signature = text after the signature is not covered by it; put every field inside the signed text

## Evidence labels shared by the header checks

evidence-advice = advice
evidence-more = more
evidence-more-not-shown = { $count } more not shown; fix the ones above first
header-absent = absent

## X-Frame-Options (web.headers.frame_options)

xfo-pass-frame-ancestors = Framing is restricted by CSP frame-ancestors.
xfo-pass-deny = X-Frame-Options: DENY forbids framing.
xfo-pass-sameorigin = X-Frame-Options: SAMEORIGIN allows framing by the site itself only.
xfo-pass-conflicting = X-Frame-Options has conflicting values, which browsers treat as forbidding framing.
xfo-warning-frame-ancestors-open = CSP frame-ancestors allows any site to frame the page (clickjacking).
xfo-warning-allow-from = X-Frame-Options uses the obsolete ALLOW-FROM, which browsers ignore.
xfo-warning-invalid = X-Frame-Options has an invalid value, so framing is not restricted.
xfo-warning-absent = Neither X-Frame-Options nor CSP frame-ancestors restricts framing (clickjacking).
xfo-ignored-for-frame-ancestors = ignored by current browsers because CSP frame-ancestors is set; kept for old browsers, which is fine
xfo-frame-ancestors-open = { $directive }: allows any site to frame the page
xfo-overridden-by-frame-ancestors = current browsers ignore X-Frame-Options when frame-ancestors is set, so it does not protect here
xfo-advice-frame-ancestors = use frame-ancestors 'self' (or 'none', or the sites that may frame you)
xfo-advice = send X-Frame-Options: DENY (or SAMEORIGIN), or CSP frame-ancestors 'self'
xfo-conflicting-values = conflicting values ({ $values }); browsers following the HTML standard then refuse all framing; send one value
xfo-allow-from-obsolete = { $value }: ALLOW-FROM is obsolete; current browsers ignore it and allow framing by any site; use CSP frame-ancestors with the allowed sites
xfo-invalid-value = "{ $value }" is not DENY or SAMEORIGIN; browsers ignore it
xfo-absent = absent, and no CSP frame-ancestors

## X-Content-Type-Options (web.headers.content_type_options)

xcto-pass = X-Content-Type-Options: nosniff stops browsers from guessing content types.
xcto-warning-absent = No X-Content-Type-Options header: browsers may guess (sniff) content types.
xcto-warning-not-nosniff = X-Content-Type-Options is not nosniff, so browsers may guess content types.
xcto-advice = send X-Content-Type-Options: nosniff
xcto-several-values = several values; only the first counts, send nosniff once
xcto-first-must-be-nosniff = browsers read only the first value, and it must be nosniff

## Referrer-Policy (web.headers.referrer_policy)

referrer-pass = The Referrer-Policy does not leak the page URL to other sites.
referrer-warning-absent = No Referrer-Policy header: what is sent depends on each browser's default.
referrer-warning-no-valid = Referrer-Policy has no valid policy, so browsers use their default.
referrer-warning-unsafe-url = Referrer-Policy: unsafe-url sends the full URL, path and query included, to every site, even over plain HTTP.
referrer-warning-downgrade = Referrer-Policy: no-referrer-when-downgrade sends the full URL, path and query included, to every other HTTPS site.
referrer-info-origin = The Referrer-Policy sends your site's origin (not the path) to other sites, also over plain HTTP.
referrer-advice = send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer, same-origin, strict-origin)
referrer-absent = absent; current browsers default to strict-origin-when-cross-origin, older ones send the full URL (no-referrer-when-downgrade)
referrer-not-lower-case = "{ $token }" is not a valid token: policies are lower case in the specification (some browsers accept it, others ignore it); write it in lower case
referrer-unknown-token = "{ $token }" is not a referrer policy; browsers skip it
referrer-last-valid-applies = browsers apply the last valid token: { $policy }
referrer-policy-applied = policy applied

## Content-Security-Policy (web.headers.csp)

csp-pass = A Content-Security-Policy is enforced and restricts scripts, plugins and <base>.
csp-warning-weakened = The Content-Security-Policy is weakened: { $what }.
csp-warning-report-only = Only a report-only Content-Security-Policy: nothing is enforced.
csp-warning-empty = The Content-Security-Policy header has no directives, so it restricts nothing.
csp-warning-absent = No Content-Security-Policy header: the browser does not restrict where scripts come from.
csp-no-directives = the header has no directives, so it sets no policy
csp-report-only-value = { $value } (reports only, enforces nothing)
csp-advice = start from default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' and trust scripts by nonce or hash
csp-policy = policy
csp-policy-numbered = policy { $number }
csp-issue-no-effect = { $detail } (no effect: another policy blocks this, as every policy must allow a resource)
csp-note = note: { $detail }
csp-aspect-inline-script = inline scripts run
csp-aspect-eval = eval() runs
csp-aspect-script-urls = scripts load from URLs an attacker can use
csp-aspect-objects = plugins (object/embed) load from anywhere
csp-aspect-base-uri = an injected <base> tag can redirect trusted scripts
csp-skipped-not-ascii = skipped "{ $token }": not ASCII
csp-skipped-duplicate = skipped the second { $name } directive: the first one counts
csp-source-issue = { $directive } { $source }: { $why }
csp-broad-any-host = allows any host; list the hosts you use
csp-broad-data = allows data: URLs, which an attacker can fill with any code
csp-broad-scheme = allows every host reachable over { $scheme }:; list the hosts you use
csp-broad-plain-http = loads over plain http, which anyone on the network can replace; use https://
csp-bypass-host = { $directive } { $source }: this host serves { $kind } (e.g. { $example }) that an attacker can use to run script despite the policy (a known CSP allowlist bypass); use nonces or hashes with 'strict-dynamic' instead of a host allowlist
csp-bypass-angular = an AngularJS library
csp-bypass-jsonp = JSONP endpoints
csp-bypass-flash = Flash files
csp-no-script-src = neither script-src nor default-src is set, so scripts are not restricted at all; add default-src 'self' (or script-src with nonces)
csp-no-script-src-attr = no script-src-attr, script-src or default-src, so inline event handlers are not restricted; add script-src
csp-no-eval-restriction = no script-src or default-src, so eval() is not restricted; add script-src
csp-unsafe-inline = { $directive } 'unsafe-inline' without a nonce or hash lets injected inline scripts run; use nonces or hashes
csp-unsafe-eval = { $directive } 'unsafe-eval' lets strings run as code (eval, new Function); a nonce or hash does not restrict this; remove it
csp-no-object-src = neither object-src nor default-src is set, so plugins load from anywhere; add object-src 'none'
csp-no-base-uri-with-nonce = base-uri is not set although scripts are trusted by nonce or hash: an injected <base> tag can make relative script URLs load from an attacker's host; add base-uri 'none' (or 'self')
csp-note-unsafe-inline-ignored = { $directive }: 'unsafe-inline' is ignored by current browsers because a nonce, hash or 'strict-dynamic' is present (kept for old browsers, which is fine)
csp-note-strict-dynamic-alone = { $directive }: 'strict-dynamic' without a nonce or hash blocks every script
csp-note-no-base-uri = base-uri is not set; base-uri 'none' (or 'self') is recommended
csp-note-no-default-src = default-src is not set, so resource types without their own directive (styles, images, frames, connections) are not restricted; add default-src 'self'
csp-note-unknown-directive = { $directive } is not a CSP directive; browsers ignore it (a typo?)
csp-note-invalid-source = { $directive } { $source }: not a valid source expression; browsers ignore it
csp-note-plain-http = { $directive } { $source }: plain http; use https://
csp-note-none-with-others = { $directive }: 'none' has no effect when other sources are listed
