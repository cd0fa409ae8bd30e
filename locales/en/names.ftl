# What people type as a domain name, and why a name is not tested.

name-error-empty = the domain name is empty: give a name such as example.org
name-error-too-long = the domain name is { $length } characters long; the DNS allows at most { $max }
name-error-label-too-long = the label "{ $label }…" is longer than the { $max } characters the DNS allows
name-error-empty-label = the domain name has an empty label (two dots in a row, or a leading dot)
name-error-bad-character = the domain name contains { $character }, which is not allowed in a host name
name-error-hyphen = the label "{ $label }" begins or ends with a hyphen
name-error-idna = the internationalised name could not be converted (IDNA): { $detail }
name-error-not-a-name = give only the domain name, without scheme, path, port or user (for example example.org)
name-error-ip-address = an IP address is not a domain name: give the name of the website or mail domain

name-special-use = this name is reserved for special use ({ $rfc }) and is not tested: { $why }
special-use-localhost = localhost always means the machine itself, whatever the DNS says
special-use-local = .local names belong to multicast DNS on a local network, not to the DNS
special-use-invalid = .invalid names are guaranteed not to exist
special-use-test = .test names are for testing and exist only on test networks
special-use-example = example names are for documentation only
special-use-home-arpa = home.arpa names belong to home networks
special-use-alt = .alt names live outside the DNS
special-use-onion = .onion names are Tor onion services, never resolved by the DNS
special-use-internal = .internal names are for private networks only
