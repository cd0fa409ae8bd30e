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
