# The top of a report: what the test found as a whole.

verdict-scored = Every category was tested and scored.
verdict-not-scored = { $count ->
    [one] One of the { $total } categories ({ $categories }) could not be tested, so the report has no overall score: a score without it could be higher than the truth.
   *[other] { $count } of the { $total } categories ({ $categories }) could not be tested, so the report has no overall score: a score without them could be higher than the truth.
}
verdict-public-suffix = { $domain } is a top-level domain or a public suffix, under which others register their domains: it is not itself anyone's website or mail domain. Test a domain under it, such as example.{ $domain }.
verdict-nxdomain = { $domain } does not exist in the DNS: the resolver answered that the name does not exist (NXDOMAIN). Check the spelling, or whether the domain has been registered and delegated.
verdict-nothing-at-name = { $domain } exists in the DNS but has no address (A or AAAA) and no mail server (MX): there is no website and no mail domain to test.
verdict-no-web-address = { $domain } has no address (A or AAAA) for a website, though it has mail servers: try the mail test instead.
verdict-no-web-server = No web server answers for { $domain }: nothing accepts connections on port 80 or 443 at any of its addresses.
verdict-no-mail-servers = No mail server of { $domain } answers: none of its MX hosts accepts connections on port 25.

# Why the observations hold no usable DNS answer.
lookup-not-asked = { $name } { $rtype } was not looked up
lookup-failed = the lookup of { $name } { $rtype } failed: { $detail }
lookup-rcode = { $name } { $rtype } could not be resolved: the resolver answered { $rcode }
lookup-rcode-extended = { $name } { $rtype } could not be resolved: the resolver answered { $rcode }, extended error { $extended }
lookup-undecodable = the stored answer for { $name } cannot be decoded
lookup-cname-loop = the aliases (CNAME) of { $name } form a loop: { $path }
lookup-cname-too-long = { $name } is an alias (CNAME) chain longer than { $max } names
lookup-not-a-name = { $name } is not a DNS name

# The judge: what holds for every check.
judge-cannot-judge = this version of the engine cannot judge this check
judge-not-a-mail-test = not a mail test
judge-null-mx = The domain has a null MX record (RFC 7505): it accepts no mail, so there are no mail servers to test.
judge-no-mx = The domain has no MX records, so there are no mail servers to test.
evidence-cap = left out

# What cut a test short (shown above the findings).
cut-short-text = { $text }
cut-short-time = the test's time limit of { $seconds } s ran out; what was not observed is reported as "could not test"
cut-short-dns-queries = the test's limit of { $limit } DNS queries was reached; later queries were not sent
cut-short-connections = the test's limit of { $limit } connections was reached; later connections were not made
cut-short-body-bytes = the report's limit of { $limit } bytes of HTTP bodies was reached; later bodies were cut
cut-short-dnssec-chain = the DNSSEC chain of { $name } was not followed to the root
cut-short-spf-rounds = the SPF records of { $domain } needed more than { $rounds } rounds of lookups, or the time ran out
