# Findings of the DNS checks: DNSSEC (dns.dnssec.*, mail.dnssec.*), IPv6
# (dns.ns.ipv6, web.ipv6.*, mail.ipv6.*), route origin validation (*.rpki.*)
# and CAA (web.caa.valid). Reasons are lower-case phrases without a final
# full stop: they are set inside the sentences that use them.

## Answers that could not be read

dns-failure-timeout = no answer in time
dns-failure-unreachable = the server could not be reached
dns-failure-malformed = the answer could not be read
dns-failure-oversized = the answer was too large
dns-failure-cancelled = the test ran out of time before asking
dns-lookup-failed = Could not be tested: { $reason }.

## DNSSEC: statuses (RFC 4033 §5)

dnssec-word-secure = secure
dnssec-word-insecure = insecure
dnssec-word-bogus = bogus
dnssec-word-indeterminate = indeterminate
dnssec-secure = secure
dnssec-insecure = insecure: { $reason }
dnssec-bogus = bogus: { $reason }
dnssec-indeterminate = indeterminate: { $reason }
dnssec-none = none
dnssec-list = { $items }
dnssec-reasons = { $reasons }

## DNSSEC: what was missing from the stored answers

dnssec-not-looked-up = { $name } { $rtype } was not looked up
dnssec-lookup-failed = the lookup of { $name } { $rtype } failed: { $failure } ({ $detail })
dnssec-answer-rcode = the resolver answered { $rcode } for { $name } { $rtype } even with checking disabled: the name could not be resolved
dnssec-answer-unreadable = the stored answer for { $name } { $rtype } cannot be decoded
dnssec-soa-no-zone = the SOA answer for { $name } names no zone that holds it
dnssec-not-a-name = { $name } is not a DNS name
dnssec-no-soa-answer = { $name } has no SOA answer to validate
dnssec-zone-unknown = which zone holds { $name } was not looked up

## DNSSEC: aliases (CNAME, DNAME)

dnssec-alias-loop = the aliases (CNAME or DNAME) of { $name } form a loop
dnssec-alias-too-long = { $name } is an alias chain longer than { $limit } names
dnssec-alias-overflow = the DNAME at { $owner } makes { $name } longer than a DNS name may be
dnssec-link = in the zone { $zone }
dnssec-link-checked = in the zone { $zone }: { $status }

## DNSSEC: why a chain of trust breaks

dnssec-no-signature = { $rrset } has no signature although its zone { $zone } is signed
dnssec-wildcard-unproven = { $rrset } was synthesised from the wildcard { $wildcard }, but { $why }
dnssec-rrset-invalid = { $rrset }: { $why }
dnssec-root-no-anchor-match = no root DNSKEY matches the trust anchor (anchor key tags { $anchor }; root key tags { $keys })
dnssec-root-keys-unsigned = the root DNSKEY set is not signed by the anchored key: { $why }
dnssec-ds-lookup-failed = the DS lookup for { $zone } failed ({ $rcode })
dnssec-ds-no-parent = the DS answer for { $zone } does not show which zone is above it
dnssec-no-ds = { $zone } has no DS record in { $parent } ({ $how }), so it is not signed or its key is not published in the parent
dnssec-no-ds-unproven = the answer that { $zone } has no DS record is not proven by { $parent }: { $why }
dnssec-ds-set-invalid = the DS set of { $zone } in { $parent }: { $why }
dnssec-ds-unsupported = the DS records of { $zone } ({ $ds }) use only algorithms or digest types this validator does not support, so it treats the zone as unsigned (RFC 4035 §5.2)
dnssec-ds-but = { $zone } has DS records in { $parent } but { $why }
dnssec-dnskey-lookup-failed = the DNSKEY lookup for { $zone } failed ({ $rcode })
dnssec-no-dnskey = { $zone } publishes no DNSKEY records
dnssec-ds-matches-no-key = no DNSKEY of { $zone } matches its DS records in { $parent } (DS key tags { $ds }; DNSKEY key tags { $keys })
dnssec-dnskey-set-invalid = the DNSKEY set of { $zone } is not validly signed by the key its DS names: { $why }
dnssec-no-records = there are no records to verify
dnssec-no-rrsig = there is no signature (RRSIG)
dnssec-signature-by-key = signature by key { $tag }: { $why }
dnssec-no-trusted-signature = no signature is by a trusted key of { $zone } (signatures by key { $tags })
dnssec-nsec-lists-no-ds = NSEC at { $owner } lists no DS
dnssec-nsec3-lists-no-ds = NSEC3 for { $name } lists no DS
dnssec-nsec3-opt-out = an opt-out NSEC3 record covers { $name } (unsigned delegations are not listed)
dnssec-nsec3-too-many-iterations = NSEC3 with { $iterations } iterations, above the limit of { $limit } (RFC 9276); treated as unsigned
dnssec-no-denial = no signed NSEC or NSEC3 record denies the DS
dnssec-no-closer-proof = no signed NSEC or NSEC3 record proves that { $name } does not exist

## DNSSEC: why one signature does not verify (RFC 4035 §5.3.1)

dnssec-sig-expired = the signature expired at { $time }
dnssec-sig-not-yet-valid = the signature is not valid before { $time }
dnssec-sig-algorithm-unsupported = algorithm { $algorithm } is not supported for validation
dnssec-sig-mismatch = the signature does not fit: { $why }
dnssec-sig-unusable-key = the key { $tag } may not sign zone data (not a zone key, or revoked)
dnssec-sig-key-too-short = the RSA key { $tag } has only { $bits } bits; keys under { $min } bits are not trusted
dnssec-sig-bad = the signature does not verify with key { $tag }
dnssec-mismatch-empty = the record set is empty
dnssec-mismatch-type = it covers { $covers } instead of { $rtype }
dnssec-mismatch-signer = it names signer { $signer } instead of { $zone }
dnssec-mismatch-not-ancestor = signer { $signer } is not an ancestor of { $owner }
dnssec-mismatch-labels = its labels field ({ $labels }) exceeds the owner's label count ({ $owner })
dnssec-mismatch-key = it was made by key { $tag } (algorithm { $algorithm }), not key { $key } (algorithm { $key_algorithm })

## DNSSEC: trust anchor files

dnssec-anchor-bad-line = line { $line }: { $reason }
dnssec-anchor-empty = the trust anchor holds no DS or DNSKEY record for the root zone "."
dnssec-anchor-owner = the owner is "{ $owner }"; only anchors for the root "." are used
dnssec-anchor-missing = the { $field } is missing
dnssec-anchor-not-number = the { $field } is not a number
dnssec-anchor-not-hex = the digest is not hexadecimal
dnssec-anchor-not-base64 = the public key is not base64
dnssec-anchor-wrong-type = { $rtype } records cannot be trust anchors; use DS or DNSKEY
dnssec-anchor-field-type = record type
dnssec-anchor-field-key-tag = key tag
dnssec-anchor-field-algorithm = algorithm
dnssec-anchor-field-digest-type = digest type
dnssec-anchor-field-digest = digest
dnssec-anchor-field-flags = flags
dnssec-anchor-field-protocol = protocol

## DNSSEC: findings

dnssec-exists-error = DNSSEC could not be tested: { $reason }.
dnssec-exists-signed = The zone { $zone } is signed with DNSSEC.
dnssec-exists-signed-aliases = Every zone the answer for { $domain } comes from is signed with DNSSEC ({ $zones }).
dnssec-exists-unsigned = The zone { $zone } is not signed: it publishes no DNSKEY records.
dnssec-exists-unsigned-aliases = { $count ->
        [one] The answer for { $domain } comes through a zone that is not signed ({ $zones }): it publishes no DNSKEY records.
       *[other] The answer for { $domain } comes through { $count } zones that are not signed ({ $zones }): they publish no DNSKEY records.
    }
dnssec-valid-secure = DNSSEC validates for { $domain }: the chain of trust from the root is unbroken.
dnssec-valid-secure-aliases = DNSSEC validates for { $domain } through every zone its aliases pass ({ $zones }): each link's chain of trust from the root is unbroken.
dnssec-valid-insecure = { $domain } is not protected by DNSSEC (insecure): { $reason }.
dnssec-valid-bogus = DNSSEC validation fails for { $domain } (bogus): { $reason }.
dnssec-valid-indeterminate = DNSSEC could not be tested for { $domain }: { $reason }.
dnssec-mx-secure = Every mail server's domain is signed and validates.
dnssec-mx-not-secure = Not every mail server's domain validates with DNSSEC.
dnssec-mx-indeterminate = DNSSEC could not be tested for every mail server.
dnssec-label-validated = validated
dnssec-label-zone = zone { $zone }
dnssec-label-resolver = resolver { $server } (validating)
dnssec-label-note = note
dnssec-zone-detail = { $status }; DS { $ds }; DNSKEY { $keys }
dnssec-resolver-no-answer = no answer: { $failure }
dnssec-resolver-servfail = SERVFAIL (bogus or unresolvable)
dnssec-resolver-authenticated = authenticated (AD flag set)
dnssec-resolver-unauthenticated = not authenticated (no AD flag)
dnssec-resolver-ede = { $said }, extended error { $ede }
dnssec-resolver-disagrees = the resolver's own validation disagrees with Indaba's verdict

## IPv6 (dns.ns.ipv6, web.ipv6.*, mail.ipv6.*)

ipv6-no-aaaa = no IPv6 address (AAAA)
ipv6-no-records = no records
ipv6-ns-none = { $zone } has no NS records
ipv6-ns-answers = { $address } answers ({ $count ->
        [one] one record
       *[other] { $count } records
    })
ipv6-ns-rcode = { $address } answered { $rcode }
ipv6-ns-silent = { $address } does not answer: { $failure }
ipv6-ns-not-queried = { $address } was not queried
ipv6-ns-unresolved = { $count ->
        [one] The IPv6 address of one name server of { $zone } could not be looked up.
       *[other] The IPv6 addresses of { $count } name servers of { $zone } could not be looked up.
    }
ipv6-ns-no-ipv6 = { $total ->
        [one] The only name server of { $zone } has no IPv6 address; at least two with IPv6 are needed.
       *[other] None of the { $total } name servers of { $zone } has an IPv6 address; at least two are needed.
    }
ipv6-ns-only-one = { $total ->
        [one] The only name server of { $zone } has an IPv6 address, but at least two with IPv6 are needed.
       *[other] Only one of the { $total } name servers of { $zone } has an IPv6 address; at least two are needed.
    }
ipv6-ns-silent-summary = { $count ->
        [one] One IPv6 address of the name servers of { $zone } does not answer DNS queries.
       *[other] { $count } IPv6 addresses of the name servers of { $zone } do not answer DNS queries.
    }
ipv6-ns-untried = { $count ->
        [one] One IPv6 address of the name servers of { $zone } could not be queried in time.
       *[other] { $count } IPv6 addresses of the name servers of { $zone } could not be queried in time.
    }
ipv6-ns-pass = { $count } name servers of { $zone } have IPv6 addresses, and all answer over IPv6.
ipv6-web-no-address = { $host } has no IPv6 address (AAAA record).
ipv6-web-address = { $host } has an IPv6 address.
ipv6-web-reach-no-address = Not tested: the web server { $host } has no IPv6 address.
ipv6-web-reach-pass = Every IPv6 address of { $host } accepts connections on ports 80 and 443.
ipv6-web-reach-fail = Not every IPv6 address of { $host } accepts connections on ports 80 and 443 ({ $failed } of { $tried } failed).
ipv6-mail-reach-no-address = Not tested: no mail server has an IPv6 address.
ipv6-mail-reach-pass = Every IPv6 address of the mail servers accepts connections on port 25.
ipv6-mail-reach-fail = Not every IPv6 address of the mail servers accepts connections on port 25 ({ $failed } of { $tried } failed).
ipv6-reach-untried = { $count ->
        [one] One IPv6 address could not be tried in time.
       *[other] { $count } IPv6 addresses could not be tried in time.
    }
ipv6-connected = connected in { $ms } ms
ipv6-connect-failed = no connection: { $error }
ipv6-not-tried = not tried
ipv6-same-no-ipv6 = Not tested: the web server { $host } has no IPv6 address.
ipv6-same-ipv6-only = { $host } has only IPv6 addresses, so there is no IPv4 website it could differ from.
ipv6-same-not-fetched = The pages over IPv4 and IPv6 were not both fetched.
ipv6-same-no-answer-v6 = Not tested: the website { $host } does not answer over IPv6, so there is nothing to compare (see web.ipv6.reachable).
ipv6-same-no-answer-v4 = The website { $host } answers over IPv6 but not over IPv4.
ipv6-same-status-differs = The website answers HTTP { $v4 } over IPv4 but HTTP { $v6 } over IPv6.
ipv6-same-pass = The website serves the same content over IPv4 and IPv6 ({ $percent }% alike).
ipv6-same-differs = The website serves different content over IPv4 and IPv6 (only { $percent }% alike): worth a look, though it may be legitimate.
ipv6-same-error-page = The website answers the same error (HTTP { $status }) over IPv4 and IPv6: the same, but an error page.
ipv6-same-v6-stuck = Over IPv4 the website leads to a page, but an IPv6-only visitor does not get there: { $why }.
ipv6-same-v4-stuck = Over IPv6 the website leads to a page, but an IPv4-only visitor does not get there: { $why }.
ipv6-same-neither = Neither IPv4 nor IPv6 leads to a page of { $host } (IPv4: { $v4 }; IPv6: { $v6 }).
ipv6-label-hop = { $family }: { $url } via { $address }
ipv6-label-walk-end = { $family }: stopped
ipv6-hop-redirect = HTTP { $status }, redirects to { $location }
ipv6-end-page = HTTP { $status }
ipv6-end-no-address = { $host } has no address in this address family
ipv6-end-bad-redirect = a redirect to { $location }, which is not an http or https address with a host name
ipv6-end-too-many-redirects = more than { $max } redirects
ipv6-label-similarity = similarity
ipv6-similarity = { $percent }% of lines alike (at least { $required }% required)
ipv6-label-page = { $url } via { $address }
ipv6-page = HTTP { $status } with { $bytes } bytes{ $cut ->
        [yes] {" "}(cut)
       *[no] {""}
    }
ipv6-page-failure = { $kind ->
        [timeout] no answer in time
        [refused] connection refused
        [tls] the TLS handshake failed
        [too_large] the answer was too large
        [protocol] not a valid HTTP answer
        [cancelled] not fetched: the test ran out of time
        [blocked] not fetched: the address is not tested by this instance
       *[other] no usable answer
    }
ipv6-mail-address-pass = Every mail server has an IPv6 address.
ipv6-mail-address-fail = { $without } of { $total } mail servers have no IPv6 address.

## Route origin validation (*.rpki.*; RFC 6811)

rov-valid = valid
rov-invalid-max-length = invalid (more specific than maxLength allows)
rov-invalid-origin = invalid (origin AS not authorised)
rov-not-found = not found (no ROA covers it)
rpki-servers-web = web server
rpki-servers-mail = mail servers
rpki-servers-name = name servers
rpki-none = none
rpki-not-looked-up-in-test = Could not be tested: route origins were not looked up in this test.
rpki-no-vrp-source = Not tested by this instance: it has no route origin validation data (VRPs) configured, so route origin validation is left out of the score.
rpki-no-origin-source = Not tested by this instance: it has no data on which networks announce which addresses configured, so route origin validation is left out of the score.
rpki-addresses-unknown = Could not be tested: the addresses of the { $servers } could not be looked up.
rpki-no-addresses = There are no addresses of the { $servers } to look up routes for, so there is nothing a ROA could cover.
rpki-address-not-looked-up = not looked up (the test ran out of time?)
rpki-address-lookup-failed = route lookup failed: { $reason }
rpki-address-unrouted = no announced route covers this address; VRPs covering the address: { $vrps }
rpki-route = route { $prefix } from { $origin }: { $validity }; covering VRPs: { $vrps }
rpki-label-vrps = VRPs
rpki-label-origins = route origins
rpki-lookups-failed = { $count ->
        [one] The routes to one address of the { $servers } could not be looked up.
       *[other] The routes to { $count } addresses of the { $servers } could not be looked up.
    }
rpki-exists-missing = { $count ->
        [one] { $total ->
            [one] The address
           *[other] One of the { $total } addresses
        } of the { $servers } is not covered by any ROA: its holder has not published a Route Origin Authorisation.
       *[other] { $count } of the { $total } addresses of the { $servers } are not covered by any ROA: their holders have not published Route Origin Authorisations.
    }
rpki-exists-pass = Every address of the { $servers } is covered by a ROA.
rpki-valid-invalid = { $count ->
        [one] { $total ->
            [one] The route
           *[other] One of the { $total } routes
        } to the { $servers } is RPKI-invalid: it is announced by an AS or with a prefix length its ROAs do not allow, as a hijack or a mistake would be; networks that validate routes drop it.
       *[other] { $count } of the { $total } routes to the { $servers } are RPKI-invalid: they are announced by an AS or with a prefix length their ROAs do not allow, as a hijack or a mistake would be; networks that validate routes drop them.
    }
rpki-valid-not-found = Not tested: { $count ->
        [one] { $total ->
            [one] no ROA covers the route
           *[other] no ROA covers one of the { $total } routes
        }
       *[other] no ROA covers { $count } of the { $total } routes
    } to the { $servers } (RFC 6811 "not found"), so the origin cannot be validated (see the ROA check).
rpki-valid-unrouted = No announced route covers the addresses of the { $servers }, so there is no route to validate.
rpki-valid-pass = Every announced route to the { $servers } is RPKI-valid.

## CAA (web.caa.valid; RFC 8659, RFC 8657)

caa-no-ca = no CA
caa-issue = { $ca } may issue certificates
caa-issue-params = { $ca } may issue certificates (only with { $params })
caa-issue-none = this record allows no CA to issue certificates
caa-issuewild = { $ca } may issue wildcard certificates
caa-issuewild-params = { $ca } may issue wildcard certificates (only with { $params })
caa-issuewild-none = no CA may issue wildcard certificates
caa-iodef = CAs report refused certificate requests to { $url }
caa-other-issue = { $ca } for { $kind ->
        [issuemail] S/MIME certificates
       *[other] BIMI mark certificates
    } (not for website certificates)
caa-contact = contact for domain validation: { $contact }
caa-unknown-critical = the unknown tag { $tag } is marked critical: a CA that does not understand it must not issue any certificate for this name (RFC 8659 §4.1)
caa-unknown = the tag { $tag } is not known; CAs ignore it
caa-reserved-flags = { $meaning }; reserved flag bits are set, which CAs ignore
caa-error-too-short = the record is truncated: { $len } bytes, fewer than the flags and tag length
caa-error-tag-cut = the record is truncated: the tag length is { $announced } but only { $available } bytes follow
caa-error-empty-tag = the tag is empty; RFC 8659 §4.1 requires at least one character
caa-error-bad-tag = the tag "{ $tag }" may contain only letters and digits (RFC 8659 §4.1)
caa-error-issue-value = { $tag } "{ $value }": { $reason } (RFC 8659 §4.2)
caa-error-iodef = iodef "{ $value }": { $reason }
caa-error-presentation = "{ $text }" is not CAA presentation text (flags tag "value")
caa-issue-not-ascii = the value must be ASCII
caa-issue-bad-domain = "{ $domain }" is not a domain name (letters, digits and inner hyphens, dot-separated)
caa-issue-after-issuer = unexpected "{ $found }"; the issuer domain is followed by ";" and parameters
caa-issue-expected-parameter = expected a parameter name=value at "{ $at }"
caa-issue-no-value = the parameter { $parameter } has no "=value"
caa-issue-trailing-semicolon = a ";" after the last parameter is not allowed
caa-issue-after-parameter = unexpected "{ $found }" after { $parameter }
caa-issue-account-uri = accounturi={ $value } is not a URI ({ $detail }; RFC 8657 §3)
caa-issue-validation-methods = validationmethods={ $value } must be a comma-separated list of method names such as dns-01,http-01 (RFC 8657 §4)
caa-iodef-not-url = not a URL ({ $detail })
caa-iodef-http = plain http; use https: or mailto: so reports are not readable in transit
caa-iodef-scheme = the URL must be mailto: or https: (RFC 8659 §4.4)
caa-failed = CAA could not be tested: { $reason }.
caa-none = No CAA records for { $domain } or its parent domains: every CA may issue certificates for it.
caa-label-searched = searched
caa-searched = { $names }
caa-label-advice = advice
caa-advice-publish = publish a CAA record naming your CA, e.g. { $domain }. CAA 0 issue "letsencrypt.org", and 0 iodef "mailto:security@{ $domain }"
caa-label-found-at = found at
caa-found-at = { $name }, a parent of { $domain }: its records apply to { $domain } (RFC 8659 §3)
caa-label-records = records
caa-too-many = { $count } records; only the first { $max } were read
caa-invalid = invalid: { $why }
caa-invalid-records = { $count ->
        [one] One CAA record on { $name } is invalid; CAs may refuse to issue.
       *[other] { $count } CAA records on { $name } are invalid; CAs may refuse to issue.
    }
caa-critical-unknown = A CAA record on { $name } has an unknown tag marked critical ({ $tags }), so CAs must not issue certificates.
caa-label-issue = issue
caa-issuewild-only = issuewild applies only to wildcard certificates; add an issue record
caa-no-issue = The CAA records on { $name } have no issue record, so they do not limit which CA may issue ordinary certificates.
caa-pass = CAA records on { $name } limit who may issue certificates: { $issuers }.
caa-fix-invalid = fix or remove the invalid records listed above
caa-fix-critical = clear the critical flag (128) on the { $tags } record, or remove it
caa-fix-add-issue = add an issue record naming your CA, e.g. { $name }. CAA 0 issue "letsencrypt.org"
