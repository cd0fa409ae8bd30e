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
dane-valid-no-records = Not tested: there are no DNSSEC-signed TLSA records to validate.
dane-nothing-to-validate = Not tested: no DNSSEC-signed TLSA records at { $name } to validate
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
