# The mail test's findings: SPF, DMARC, DKIM, MTA-STS, TLS-RPT and MX
# (crates/indaba-checks: spf/, dmarc/, dkim.rs, mta_sts.rs, tls_rpt.rs,
# mx.rs, mailauth.rs), and the trace of `indaba spf`.
#
# Arguments named name, domain, record, term, host, uri and the like are
# data (shown as they are); reason, problem, error and the like are other
# messages of this file.

## Words shared by the mail checks

mail-label-note = note
mail-label-problem = problem
mail-label-error = error
mail-evidence-nxdomain = NXDOMAIN (the name does not exist)
mail-evidence-no-txt = no TXT records

# Why a DNS answer a mail check needs is not usable.
mail-dns-not-looked-up = { $name } { $rtype } was not looked up
mail-dns-no-response = { $kind ->
    [timeout] the lookup of { $name } { $rtype } timed out
    [unreachable] the lookup of { $name } { $rtype } could not reach the resolver
    [malformed] the lookup of { $name } { $rtype } got a malformed answer
    [oversized] the lookup of { $name } { $rtype } got an answer larger than accepted
   *[cancelled] { $name } { $rtype } was not looked up: the test's time ran out
}
mail-dns-rcode = the resolver answered { $rcode } to { $name } { $rtype }
mail-dns-rcode-extended = the resolver answered { $rcode } to { $name } { $rtype } (extended error { $extended })
mail-dns-undecodable = the stored answer for { $name } { $rtype } cannot be decoded

# Why an HTTPS request got no answer.
mail-http-failure = { $kind ->
    [timeout] no answer in time
    [refused] the connection was refused or could not be made
    [tls] the TLS handshake failed
    [too_large] the answer was larger than accepted
    [protocol] the answer was not valid HTTP
    [blocked] not contacted: the address is one this instance does not test
   *[cancelled] not asked: the test's time or connection budget ran out
}

# A mailto: URI of a report destination (DMARC rua/ruf, TLS-RPT rua).
mail-mailto-not-utf8 = the address is not UTF-8 after percent-decoding
mail-mailto-no-at = "{ $address }" is not a mail address (no @)
mail-mailto-not-an-address = "{ $address }" is not a mail address
mail-mailto-bad-domain = the domain of "{ $address }" is not a valid domain name

# The v=…; name=value; … records of MTA-STS and TLS-RPT.
mail-fields-too-long = the record is { $bytes } bytes long, longer than any DNS answer
mail-fields-wrong-version = the record must start with { $version } (case-sensitive), not "{ $found }"
mail-fields-empty-field = an empty field (two semicolons in a row)
mail-fields-not-field = "{ $part }" is not a name=value field
mail-fields-bad-name = "{ $name }" is not a field name (no spaces around "=")
mail-fields-bad-value = the value of { $name } contains a character the grammar does not allow

## SPF (RFC 7208): mail.spf.record

spf-record-lookup-failed = The SPF record of { $domain } could not be looked up.
spf-record-missing = No SPF record: receivers cannot tell which servers may send mail for this domain.
spf-record-multiple = The domain has { $count } SPF records; receivers use none of them and return permerror (RFC 7208 §4.5).
spf-record-invalid = The SPF record has a syntax error; receivers return permerror (RFC 7208 §4.6).
spf-record-permerror = The SPF record cannot be evaluated as published: { $problem }.
spf-record-incomplete = The SPF records could not all be looked up, so the lookup count is not known.
spf-record-valid = One valid SPF record; evaluating it takes { $lookups ->
    [one] { $lookups } DNS lookup
   *[other] { $lookups } DNS lookups
} (at most { $max }) and { $voids ->
    [one] { $voids } void lookup
   *[other] { $voids } void lookups
} (at most { $max_voids }).

spf-evidence-no-record = no record starting with v=spf1
spf-label-syntax-error = syntax error
spf-label-lookups = DNS lookups
spf-label-voids = void lookups
spf-lookups-count = { $count } of at most { $max } (include, a, mx, ptr, exists and redirect, in every record reached)
spf-voids-count = { $count } of at most { $max } (lookups that find no records)
spf-tree-record = { $record } ({ $lookups ->
    [one] { $lookups } lookup
   *[other] { $lookups } lookups
})
spf-tree-not-looked-up = not looked up

# Problems found walking the records (receivers return permerror for all
# but a failed lookup).
spf-problem-via = { $term }: { $problem }
spf-problem-too-many-lookups = evaluating the records needs more than { $max } DNS lookups: the 11th is { $term } in the record of { $domain }; receivers return permerror (RFC 7208 §4.6.4)
spf-problem-too-many-voids = more than { $max } lookups find nothing (the 3rd: { $void }); receivers return permerror (RFC 7208 §4.6.4)
spf-void-address = { $term } in the record of { $domain }: { $name } has no addresses
spf-void-mx = { $term } in the record of { $domain }: { $name } has no MX records
spf-void-exists = { $term } in the record of { $domain }: { $name } does not exist
spf-problem-lookup-failed = the record of { $domain } could not be looked up ({ $reason }); receivers would return temperror
spf-problem-no-record = { $domain } has no SPF record; receivers return permerror (RFC 7208 §5.2, §6.1)
spf-problem-multiple-records = { $domain } has { $count } SPF records; receivers return permerror (RFC 7208 §4.5)
spf-problem-invalid-record = the record of { $domain } is not valid: { $error }
spf-problem-too-many-mx = { $term } in the record of { $domain }: { $name } has { $count } MX hosts; receivers look at { $max } at most and then return permerror (RFC 7208 §4.6.4)
spf-problem-macro-too-long = { $term } in the record of { $domain }: { $error }
spf-problem-loop = { $term } makes a loop ({ $path }); receivers return permerror

spf-note-large = the record is { $bytes } bytes; RFC 7208 §3.4 asks for records small enough that the answer fits in 512 bytes
spf-note-ptr = { $term } in the record of { $domain }: ptr is slow and unreliable, and RFC 7208 §5.5 says it SHOULD NOT be used
spf-note-unfollowed = { $term } in the record of { $domain }: the target depends on %{"{"}{ $letter }{"}"} of each message, so it is counted but not followed

spf-node-lookup-failed = the lookup failed: { $reason }
spf-node-no-record = no SPF record
spf-node-multiple = { $count } SPF records

## SPF: mail.spf.policy

spf-policy-lookup-failed = The SPF record of { $domain } could not be looked up.
spf-policy-no-record = Not tested: the domain has no SPF record, so there is no SPF policy.
spf-policy-unusable = Receivers cannot use the SPF record (permerror), so no SPF policy protects the domain.
spf-policy-permerror = The SPF policy has no effect: for mail from other servers, receivers return permerror before they reach it (see the problem below), and permerror is no policy at all (RFC 7208 §4.6.4, §2.6.7).
spf-policy-fail-all = The SPF policy ends in -all: mail from any other server fails SPF.
spf-policy-softfail-all = The SPF policy ends in ~all: mail from any other server soft-fails SPF.
spf-policy-non-sending-softfail = The domain sends no mail (null MX), so its SPF policy should be v=spf1 -all, not ~all.
spf-policy-neutral-all = The SPF policy ends in ?all: it makes no statement about other servers.
spf-policy-pass-all = The SPF policy ends in +all: every server on the Internet may send mail for this domain.
spf-policy-everyone = The SPF policy lets every server on the Internet pass, before its all is reached.
spf-policy-default = The SPF policy has no all: mail from other servers gets neutral, the same as ?all.
spf-policy-end-lookup-failed = The end of the SPF policy could not be looked up.
spf-policy-end-unusable = The SPF policy does not end in a usable all: its redirect= leads to no valid record.

spf-label-ends-in = ends in
spf-label-passes-everyone = passes everyone
spf-label-policy = policy
spf-ends-in-all = { $qualifier ->
    [pass] +all (or all)
    [fail] -all
    [softfail] ~all
   *[neutral] ?all
} in the record of { $domain }{ $redirect ->
    [yes] , reached through redirect=
   *[no] {""}
}
spf-ends-default = the record of { $domain } has no all and no redirect=, so the default neutral applies (RFC 7208 §4.7)
spf-passes-everyone = { $term } in the record of { $domain }
spf-passes-everyone-through = { $term } in the record of { $domain } (the record of { $included } passes every address)
spf-end-no-usable-record = there is no usable SPF record
spf-end-unusable = the record of { $domain } is not usable ({ $problem })
spf-end-not-looked-up = the record of { $domain } was not looked up
spf-end-redirect-not-followed = the redirect= of { $domain } could not be followed

spf-not-looked-up = The SPF evaluation needs { $count ->
    [one] a lookup
   *[other] { $count } lookups
} the test did not make, such as { $name } { $rtype }.

## SPF: why a record is not valid

spf-error-not-spf = the record does not start with v=spf1
spf-error-bad-character = byte { $offset } of the record is { $byte }, not printable US-ASCII; SPF terms are ASCII separated by spaces (RFC 7208 §3.1, §4.6.1)
spf-error-bad-term = { $term }: { $problem }
spf-error-duplicate-modifier = { $modifier }= appears more than once (RFC 7208 §6)
spf-term-modifier-name = not a valid modifier name (a letter, then letters, digits, -, _ or .)
spf-term-all-argument = all takes no argument
spf-term-ptr-argument = ptr takes only :domain
spf-term-domain-or-prefix = expected :domain or a /prefix length
spf-term-needs-address = { $mechanism } needs :address
spf-term-not-ipv4 = "{ $address }" is not an IPv4 address
spf-term-not-ipv6 = "{ $address }" is not an IPv6 address
spf-term-modifier-as-mechanism = { $name } is a modifier: write { $name }=domain
spf-term-unknown-mechanism = unknown mechanism
spf-term-needs-domain = needs :domain
spf-term-prefix-length = /{ $digits } is not a prefix length from 0 to { $max } (without leading zeros)

spf-macro-trailing-percent = a % at the end of "{ $text }" starts no macro (write %% for a percent sign)
spf-macro-unclosed = the macro at byte { $offset } of "{ $text }" has no closing {"}"}
spf-macro-bad-escape = %{ $after } in "{ $text }" is not a macro: after % only {"{"}, %, _ or - may follow (RFC 7208 §7.1)
spf-macro-bad-byte = byte { $byte } in "{ $text }" is not allowed in a macro-string
spf-macro-no-letter = %{"{"}{"}"} names no macro letter
spf-macro-bad-letter = "{ $letter }" is not a macro letter (s, l, o, d, i, p, h, v; c, r, t in explanations)
spf-macro-explanation-only = %{"{"}{ $letter }{"}"} is allowed only in explanation text, not in a domain (RFC 7208 §7.2)
spf-macro-zero-parts = %{"{"}{ $body }{"}"}: the number of parts to keep must not be zero (RFC 7208 §7.3)
spf-macro-bad-delimiter = %{"{"}{ $body }{"}"}: "{ $delimiter }" is not a delimiter (. - + , / _ =)
spf-macro-no-top-label = "{ $text }" is not a domain: it must end in a dot and a top label such as .org, or in a macro (RFC 7208 §7.1)
spf-macro-bad-top-label = "{ $text }" is not a domain: "{ $label }" is not a valid top label (letters, digits and inner hyphens, not all digits)
spf-expand-unknown = %{"{"}{ $letter }{"}"} depends on the message being checked
spf-expand-too-long = the macro expansion is longer than { $max } bytes

## SPF: check_host() (indaba spf), its result and trace

spf-domain-empty = the domain is empty
spf-domain-address-literal = { $domain } is an address literal, not a domain
spf-domain-too-long = { $domain } is longer than 253 characters
spf-domain-single-label = { $domain } is not a multi-label domain name
spf-domain-empty-label = { $domain } has an empty label
spf-domain-long-label = { $domain } has a label longer than 63 characters

spf-reason-nxdomain = { $domain } does not exist (NXDOMAIN)
spf-reason-no-record = { $domain } has no SPF record
spf-reason-matched = { $term } in the record of { $domain } matched
spf-reason-default-neutral = nothing in the record of { $domain } matched (the default is neutral)
spf-reason-macro = { $spec } in the record of { $domain }: { $error }
spf-reason-redirect-none = { $term } in the record of { $domain }: { $inner }, so the result is permerror (RFC 7208 §6.1)
spf-reason-include-none = { $term } in the record of { $domain }: { $inner } (RFC 7208 §5.2: permerror)

spf-trace-lookup = lookup { $name } { $rtype } → { $answer }
spf-answer-invalid-name = not a valid DNS name; treated as NXDOMAIN
spf-answer-failed = failed: { $reason }
spf-answer-nxdomain = NXDOMAIN
spf-answer-empty = no records
spf-answer-records = { $records }{ $more ->
    [0] {""}
   *[other] , and { $more } more
}
spf-trace-counted = { $term } (DNS-querying term { $count } of at most { $max })
spf-trace-void = void lookup { $count } of at most { $max } ({ $name } has no records)
spf-trace-no-domain = { $problem }: the result is none (RFC 7208 §4.3)
spf-trace-record = record of { $domain }: { $record }
spf-trace-record-cut = record of { $domain }: { $record }… ({ $bytes } bytes in all)
spf-trace-match = { $term } matches: { $result }
spf-trace-no-match = { $term } does not match
spf-trace-follow = { $term } → { $target }
spf-trace-default-neutral = no mechanism matched and there is no redirect=: neutral
spf-trace-exp-count = exp={ $spec }: { $name } has { $count } TXT records, not one; no explanation
spf-trace-exp-invalid = exp={ $spec }: not a valid explanation ({ $error })
spf-trace-abort = { $result }: { $reason }

# The text output of `indaba spf`.
spf-cli-result = check_host({ $ip }, { $domain }, { $sender }) with HELO { $helo }: { $result }
spf-cli-reason = reason: { $reason }
spf-cli-explanation = explanation: { $explanation }
spf-cli-counts = DNS lookups: { $lookups } of at most { $max }; void lookups: { $voids } of at most { $max_voids }
spf-cli-dnssec = DNSSEC of { $domain } TXT: { $status }
spf-cli-dnssec-none = no TXT records to validate
spf-cli-trace = trace:
spf-cli-bad-domain = "{ $domain }" cannot be checked
spf-cli-bad-timeout = --timeout must be at least one second
spf-cli-timeout = the evaluation did not finish within { $seconds } s (or needed too many rounds of lookups)

## DMARC (RFC 7489)

dmarc-evidence-no-record = no record starting with v=DMARC1
dmarc-label-ignored = ignored (not v=DMARC1)
dmarc-label-found-at = found at
dmarc-found-at-organisational = the organisational domain { $domain } (RFC 7489 §6.6.3: the domain itself has none)

# mail.dmarc.record
dmarc-record-lookup-failed = The DMARC record could not be looked up at { $name }.
dmarc-record-missing = No DMARC record: receivers cannot tell forged mail from this domain apart.
dmarc-record-multiple = _dmarc.{ $domain } has more than one DMARC record, so receivers apply none (RFC 7489 §6.6.3).
dmarc-record-unusable = The DMARC record is not usable: { $error }.
dmarc-record-syntax = The DMARC record has syntax errors; { $fallback ->
    [none] receivers treat it as p=none.
   *[defaults] receivers ignore the broken tags and use their defaults.
}
dmarc-record-valid = The domain has one valid DMARC record.

# mail.dmarc.policy
dmarc-policy-lookup-failed = The DMARC policy could not be looked up at { $name }.
dmarc-policy-no-record = Not tested: the domain has no DMARC record, so there is no DMARC policy.
dmarc-policy-multiple = The domain has more than one DMARC record, so receivers apply no DMARC policy (RFC 7489 §6.6.3).
dmarc-policy-unusable = The DMARC record is not usable ({ $error }), so no policy applies.
dmarc-policy-none = The DMARC policy for { $domain } is none: it asks for reports but does not yet protect against forged mail.
dmarc-policy-quarantine-pct-zero = The DMARC policy is quarantine, but pct=0 applies it to no mail: receivers handle all failing mail as if there were no policy (RFC 7489 §6.6.4).
dmarc-policy-quarantine-pct = The DMARC policy is quarantine for only { $pct }% of failing mail; receivers handle the other { $rest }% as if there were no policy and deliver it as usual (RFC 7489 §6.6.4).
dmarc-policy-non-sending-quarantine = { $domain } sends no mail, so its DMARC policy should be reject rather than quarantine.
dmarc-policy-quarantine = The DMARC policy is quarantine: forged mail is treated as suspicious.
dmarc-policy-reject-pct = The DMARC policy is reject for { $pct }% of failing mail; receivers quarantine the other { $rest }% instead of refusing it (RFC 7489 §6.6.4).
dmarc-policy-reject = The DMARC policy is reject: forged mail is refused.
dmarc-label-policy = policy for this domain
dmarc-policy-fallback-none = none: the record's p= or sp= is missing or invalid, and receivers fall back to p=none (RFC 7489 §6.6.3)
dmarc-policy-from-organisational = { $policy } ({ $tag }= of the organisational domain { $domain }'s record)
dmarc-policy-from-p = { $policy } (p=)
dmarc-pct-applies = the policy applies to { $pct }% of failing mail; the other { $rest }% is handled as RFC 7489 §6.6.4 says
dmarc-label-subdomains = subdomains
dmarc-label-nonexistent = non-existent subdomains
dmarc-sp-weaker = sp={ $sp } is weaker than p={ $p }: subdomains are less protected
dmarc-np-weaker = np={ $np } is weaker than the subdomain policy

# mail.dmarc.destinations
dmarc-destinations-no-record = Not tested: there is no usable DMARC record, so no report destinations.
dmarc-destinations-unusable = Not tested: the DMARC record is not usable, so its report destinations do not matter.
dmarc-destinations-none = The DMARC record names no report destinations (rua/ruf), so none needs to authorise reports.
dmarc-destination-authorised = authorised: { $record }
dmarc-destination-not-authorised = not authorised: no v=DMARC1 record, so receivers send no reports there
dmarc-destination-unknown = could not be checked: { $reason }
dmarc-destinations-refused = { $count ->
    [one] An external report destination has not authorised reports for { $domain }; receivers will not send reports there.
   *[other] { $count } external report destinations have not authorised reports for { $domain }; receivers will not send reports there.
}
dmarc-destinations-unknown = Not every external report destination could be checked.
dmarc-destinations-internal = Every report destination is within the domain's own organisation.
dmarc-destinations-authorised = Every external report destination has authorised reports.

# Why a DMARC record, or one of its tags, is not valid.
dmarc-error-empty = the record is empty
dmarc-error-too-long = the record is { $bytes } bytes long, longer than any DNS answer
dmarc-error-not-dmarc = the record does not start with v=DMARC1 (it starts with "{ $start }"); receivers ignore it (RFC 7489 §6.3)
dmarc-error-bad-version = the version is "{ $version }", but it must be exactly DMARC1 (case-sensitive); receivers ignore the record
dmarc-error-missing-policy = the required p= tag is missing (RFC 7489 §6.3)
dmarc-error-bad-policy = p="{ $value }" is not one of none, quarantine or reject
dmarc-error-bad-subdomain-policy = sp="{ $value }" is not one of none, quarantine or reject; receivers treat the whole record as broken (RFC 7489 §6.6.3)
dmarc-error-bad-value = { $tag }="{ $value }": { $expected }
dmarc-error-bad-uri = { $tag }: "{ $uri }" is not a usable report URI: { $problem }
dmarc-error-duplicate-tag = the tag { $tag } appears more than once; receivers may use either
dmarc-error-not-a-tag = "{ $part }" is not a tag=value pair
dmarc-expected-policy = not one of none, quarantine or reject
dmarc-expected-percent = must be a whole number from 0 to 100
dmarc-expected-alignment = must be r (relaxed) or s (strict)
dmarc-expected-failure-options = must be a colon-separated list of 0, 1, d and s
dmarc-expected-report-format = the only registered failure-report format is afrf (RFC 7489 §11.4)
dmarc-expected-interval = must be a number of seconds (1 to 32 digits)
dmarc-uri-empty = empty
dmarc-uri-needs-encoding = { $character } must be percent-encoded in a URI (RFC 3986)
dmarc-uri-no-scheme = has no scheme (such as mailto:)
dmarc-uri-bad-scheme = "{ $scheme }" is not a URI scheme
dmarc-uri-nothing-after-scheme = nothing follows the scheme
dmarc-uri-size-without-number = the size limit "{ $size }" has no number
dmarc-uri-size-unit = the size limit "{ $size }" has an unknown unit (k, m, g or t)
dmarc-note-unknown-tag = the tag "{ $tag }" is not defined by RFC 7489 and is ignored
dmarc-note-unsupported-scheme = { $tag }: "{ $uri }" uses the { $scheme }: scheme; receivers need only support mailto: and ignore others (RFC 7489 §6.2)
dmarc-note-policy-not-second = p= is not the second tag; RFC 7489 §6.4 puts it right after v=DMARC1

## DKIM (RFC 6376, RFC 8301, RFC 8463)

# mail.dkim.exists
dkim-exists = The domain publishes DKIM keys (_domainkey exists).
dkim-exists-nxdomain = No DKIM keys: _domainkey does not exist (NXDOMAIN), so nothing exists below it (RFC 8020).
dkim-exists-lookup-failed = Whether the domain publishes DKIM keys could not be tested.
dkim-exists-non-sending = { $domain } says it sends no mail (DMARC p=reject and SPF v=spf1 -all), so it needs no DKIM keys.

# mail.dkim.keys
dkim-keys-no-selector = No DKIM selector was given; selectors cannot be found from the DNS.
dkim-keys-good = Every given DKIM selector has a valid, strong key.
dkim-keys-weak = The DKIM keys are usable, but not all follow the recommendations.
dkim-keys-lookup-failed = Not every DKIM selector could be looked up.
dkim-keys-unusable = At least one given DKIM selector has no usable key.
dkim-selector-invalid = selector "{ $selector }" (not a valid DNS name)
dkim-key-verdict = { $status ->
    [pass] good
    [warning] weak
    [error] not tested
   *[fail] unusable
}: { $said }
dkim-key-lookup-failed = could not be looked up: { $reason }
dkim-key-missing = no key record ({ $answer })
dkim-key-multiple = { $count } TXT records: verifiers may pick any of them (RFC 6376 §3.6.2.2)
dkim-key-revoked = the key is revoked (empty p=): it verifies nothing
dkim-key-ed25519 = Ed25519 key (RFC 8463)
dkim-key-rsa = RSA key of { $bits } bits
dkim-key-rsa-too-short = RSA key of { $bits } bits: signers must use at least { $min } bits (RFC 8301 §3.2)
dkim-key-rsa-short = RSA key of { $bits } bits: at least { $recommended } bits are recommended (RFC 8301 §3.2)
dkim-key-bare-rsa = the key is a bare RSAPublicKey; most verifiers expect a SubjectPublicKeyInfo
dkim-key-sha1-only = h=sha1 only: rsa-sha1 must not be used for signing or verifying (RFC 8301 §3.1)
dkim-key-testing = t=y: the domain is testing DKIM, and verifiers may treat its mail as unsigned

# Why a key record cannot be used.
dkim-error-empty = the record is empty
dkim-error-too-long = the record is { $bytes } bytes long, longer than any DNS answer
dkim-error-syntax = not a tag list (RFC 6376 §3.2): { $problem }
dkim-error-duplicate-tag = the tag { $tag } appears more than once, which makes the record invalid (RFC 6376 §3.2)
dkim-error-bad-version = v="{ $version }": the version must be DKIM1; verifiers discard the record
dkim-error-version-not-first = v= must be the first tag of a key record (RFC 6376 §3.6.1)
dkim-error-missing-key = the required p= tag (the public key) is missing
dkim-error-unknown-key-type = k="{ $value }" is not a known key type (rsa, ed25519); verifiers cannot use the key
dkim-error-no-usable-hash = h="{ $value }" lists no known hash algorithm (sha256, sha1); verifiers cannot use the key
dkim-error-not-for-email = s="{ $value }" does not include email or *: the key is not for email
dkim-error-bad-base64 = p= is not valid base64 (at character { $position })
dkim-error-bad-rsa-key = p= is not an RSA public key: { $problem }
dkim-error-ed25519-length = p= holds { $bytes } bytes, but an Ed25519 key is exactly 32 (RFC 8463 §4.2)
dkim-error-ed25519-spki = p= holds 44 bytes, but an Ed25519 key is exactly 32 (RFC 8463 §4.2); this looks like a SubjectPublicKeyInfo, which RFC 8463 does not use
dkim-tags-empty-tag = an empty tag (two semicolons in a row)
dkim-tags-no-equals = "{ $part }" has no "="
dkim-tags-bad-name = "{ $name }" is not a tag name
dkim-tags-bad-value = the value of { $tag } contains { $character }
dkim-rsa-not-rsa = the SubjectPublicKeyInfo holds a key of algorithm { $oid }, not RSA
dkim-rsa-partial-bytes = the key's bit string is not whole bytes
dkim-rsa-bad-public-key = the RSAPublicKey inside does not decode ({ $detail })
dkim-rsa-not-der = neither a SubjectPublicKeyInfo nor an RSAPublicKey ({ $detail })
dkim-rsa-zero-modulus = the modulus is zero
dkim-note-unknown-tag = the tag "{ $tag }" is not defined for key records and is ignored
dkim-note-granularity = g= (granularity) was removed by RFC 6376 and is ignored
dkim-note-unknown-value = { $tag }: "{ $value }" is not a known value and is ignored
dkim-refusal-revoked = the key is revoked (empty p=)
dkim-refusal-key-type = the signature algorithm needs another key type than k=
dkim-refusal-hash = h= does not allow the signature's hash algorithm
dkim-refusal-strict-identity = t=s requires the i= domain to be exactly d=

## MTA-STS (RFC 8461): mail.mta_sts.valid

mta-sts-lookup-failed = The MTA-STS record could not be looked up.
mta-sts-missing = No MTA-STS: senders cannot know that mail to this domain must use verified TLS.
mta-sts-multiple = More than one MTA-STS record: senders treat the domain as having none (RFC 8461 §3.1).
mta-sts-record-invalid = The MTA-STS record is invalid, so senders ignore MTA-STS.
mta-sts-not-fetched = The MTA-STS policy was not fetched.
mta-sts-http-status = The MTA-STS policy could not be fetched: HTTP { $status }.
mta-sts-http-status-detail = HTTP { $status }; senders need 200 and do not follow redirects (RFC 8461 §3.3)
mta-sts-fetch-failed = The MTA-STS policy could not be fetched from { $host }.
mta-sts-no-address = The MTA-STS policy host { $host } has no address, so senders cannot fetch the policy.
mta-sts-no-address-detail = { $host } has no address (A or AAAA)
mta-sts-host-lookup-failed = The addresses of the MTA-STS policy host { $host } could not be looked up.
mta-sts-certificate-invalid = The MTA-STS policy host's certificate is not valid, so senders do not trust the policy (RFC 8461 §3.3).
mta-sts-certificate-untrusted = not trusted: { $reasons }
mta-sts-certificate-wrong-name = the certificate does not name { $host }
mta-sts-certificate-not-recorded = no certificate was recorded
mta-sts-content-type = The MTA-STS policy is not served as text/plain (RFC 8461 §3.2).
mta-sts-content-type-is = Content-Type: { $content_type }
mta-sts-content-type-none = no Content-Type
mta-sts-policy-invalid = The MTA-STS policy is invalid, so senders ignore it.
mta-sts-max-age-short = { $seconds } seconds is short: RFC 8461 §3.2 expects weeks or more, so a policy outlives an attack on its refresh
mta-sts-mode-none = The MTA-STS policy mode is none: the policy is withdrawn and protects nothing.
mta-sts-mx-matched = matches the policy
mta-sts-mx-unmatched = matches no mx pattern of the policy
mta-sts-no-mx-hosts = the domain has no MX hosts to compare
mta-sts-uncovered = The MTA-STS policy does not cover every mail server ({ $hosts }): senders enforcing it refuse to deliver there.
mta-sts-testing = The MTA-STS policy is valid but in testing mode: failures are reported, not prevented.
mta-sts-enforced = MTA-STS is enforced, and the policy covers every mail server.

# Why an _mta-sts record or a policy file is not valid.
mta-sts-record-syntax = { $problem } (RFC 8461 §3.1)
mta-sts-record-missing-id = the required id= field is missing
mta-sts-record-bad-id = id="{ $id }" must be 1 to 32 letters and digits
mta-sts-policy-too-large = the policy is { $bytes } bytes, more than the { $max } bytes senders are expected to read (RFC 8461 §3.3)
mta-sts-policy-not-text = the policy is not UTF-8 text
mta-sts-policy-line = line { $line }: { $problem }
mta-sts-policy-bad-version = version must be STSv1 (found "{ $found }")
mta-sts-policy-bad-mode = mode must be enforce, testing or none (found "{ $found }")
mta-sts-policy-bad-max-age = max_age must be a number of seconds from 0 to { $max } (found "{ $found }")
mta-sts-policy-bad-mx = line { $line }: mx "{ $value }" is not a host name or a *. pattern: { $problem }
mta-sts-policy-no-mx = the policy lists no mx patterns, so no mail server is allowed
mta-sts-line-empty = an empty line
mta-sts-line-not-key-value = "{ $text }" is not key: value
mta-sts-line-control = the value contains { $character }
mta-sts-line-bad-name = "{ $name }" is not a field name
mta-sts-mx-not-ascii = names must be in A-label (ASCII) form
mta-sts-mx-wildcard = a wildcard is only allowed as the whole leftmost label
mta-sts-mx-trailing-dot = no trailing dot
mta-sts-mx-not-a-name = not a valid host name
mta-sts-note-duplicate = line { $line }: { $field } appears again; senders use the first
mta-sts-note-unknown-field = line { $line }: the field "{ $field }" is not defined and is ignored

## TLS-RPT (RFC 8460): mail.tls_rpt.valid

tls-rpt-lookup-failed = The TLS-RPT record could not be looked up.
tls-rpt-missing = No TLS-RPT record: senders cannot report failed TLS connections to this domain.
tls-rpt-valid = TLS reporting is configured.
tls-rpt-label-destination = report destination
tls-rpt-invalid = The TLS-RPT record is invalid, so senders send no reports.
tls-rpt-multiple = More than one TLS-RPT record: senders treat the domain as having none (RFC 8460 §3).
tls-rpt-null-mx = The domain has a null MX record (RFC 7505): it accepts no mail, so there are no TLS connections to report on.
tls-rpt-no-mx = The domain has no MX records, so there are no mail servers whose TLS connections could be reported on.
tls-rpt-error-syntax = { $problem } (RFC 8460 §3)
tls-rpt-error-missing-rua = the required rua= field is missing
tls-rpt-error-duplicate-rua = rua= appears more than once
tls-rpt-error-bad-uri = rua: "{ $uri }" is not a usable destination: { $problem }
tls-rpt-uri-no-scheme = no scheme (mailto: or https:)
tls-rpt-uri-white-space = white space must be percent-encoded
tls-rpt-uri-bad-url = not a valid URL
tls-rpt-uri-no-host = the URL has no host
tls-rpt-uri-scheme = the { $scheme }: scheme is not supported; only mailto: and https: are (RFC 8460 §3)

## MX (RFC 5321 §5.1, RFC 7505, RFC 2181 §10.3): mail.mx.records

mx-lookup-failed = The MX records of { $domain } could not be looked up.
mx-answer-unreadable = the answer could not be read
mx-null = { $domain } has a null MX (RFC 7505): it accepts no mail. SPF -all and DMARC p=reject should still stop others sending in its name.
mx-none = { $domain } has no MX records: senders fall back to its address records (RFC 5321 §5.1). Publish MX records, or a null MX if it takes no mail.
mx-valid = { $domain } names its mail servers, and each has an address.
mx-unresolved = { $count } of { $total } mail servers of { $domain } have no address: mail cannot be delivered to them.
mx-alias = { $count ->
    [one] A mail server name is an alias (CNAME): { $hosts }. An MX record must name a host, not an alias (RFC 2181 §10.3, RFC 5321 §5.1); senders may refuse or mishandle it.
   *[other] { $count } mail server names are aliases (CNAME): { $hosts }. An MX record must name a host, not an alias (RFC 2181 §10.3, RFC 5321 §5.1); senders may refuse or mishandle them.
}
mx-host-alias = an alias (CNAME): { $chain }
mx-host-alias-broken = the aliases (CNAME) of { $host } loop or go on too long
mx-host-no-address = no address (A or AAAA)
mx-null-beside-others = { $domain } has a null MX beside other MX records; RFC 7505 §3 says a domain that accepts no mail must publish the null MX alone.
mx-null-beside-others-detail = a null MX (0 .) beside other MX records (RFC 7505 §3)
