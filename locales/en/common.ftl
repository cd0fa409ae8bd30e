# Words shared by every part of Indaba: lists, nouns, ratings, caps.

# Joins the items of a list argument.
list-separator = {", "}

# What a cap left out: "tested the first 10 of 11 mail servers".
cap-tested-first = tested the first { $tested } of { $total } { $what }
noun-addresses = addresses
noun-mail-servers = mail servers
noun-name-servers = name servers
noun-records = records

# The NCSC-NL TLS guidelines' ratings.
rating-good = good
rating-sufficient = sufficient
rating-phase-out = phase out
rating-insufficient = insufficient
