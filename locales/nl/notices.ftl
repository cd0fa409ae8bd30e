# Meldingen aan eigenaren (issue 13), in het Nederlands: het dagelijkse
# overzicht van achteruitgang (en, voor wie erom vroeg, verbetering) dat de
# monitoring vond, en de pagina's van de links om af te melden en om ook
# verbeteringen te ontvangen. Wat hier ontbreekt, verschijnt in het Engels.

## Het overzicht
notices-subject-regressions = { $count ->
    [one] Indaba: de beveiliging van 1 domein is achteruitgegaan
   *[other] Indaba: de beveiliging van { $count } domeinen is achteruitgegaan
}
notices-subject-improvements = { $count ->
    [one] Indaba: de beveiliging van 1 domein is verbeterd
   *[other] Indaba: de beveiliging van { $count } domeinen is verbeterd
}
notices-why-owner = De monitoring van Indaba heeft sinds de vorige scan veranderingen gevonden op domeinen van uw organisatie. U ontvangt dit bericht omdat deze domeinen van uw organisatie zijn.
notices-why-security-txt = De monitoring van Indaba heeft sinds de vorige scan veranderingen gevonden op domeinen waarvan de security.txt dit adres als contactadres noemt.
notices-why-rdap = De monitoring van Indaba heeft sinds de vorige scan veranderingen gevonden op domeinen waarvan de registratiegegevens (RDAP) dit adres als contactadres voor misbruik noemen.
notices-domain = { $domain }
notices-regression = { $check }: slaagde bij de vorige scan, faalt nu.
notices-improvement = { $check }: faalde bij de vorige scan, slaagt nu.
notices-unreachable = Het domein is bij de vorige scan getest, maar kon deze keer niet worden getest.
notices-reachable = Het domein kon bij de vorige scan niet worden getest en is deze keer wel getest.
notices-found = Wat er gevonden is: { $summary }
notices-evidence = Gezien: { $line }
notices-guide = Zo lost u het op: { $link }
notices-report = Het volledige rapport:
notices-opt-out-lead = Wilt u op dit adres geen meldingen meer ontvangen:
notices-improvements-lead = Wilt u ook bericht krijgen over verbeteringen:

## De pagina's van de links
notices-bad-link-title = Deze link werkt niet
notices-bad-link-text = De link is onvolledig of is niet door dit platform gemaakt. Gebruik de link uit de melding precies zoals u hem ontving.
notices-opt-out-title = Deze meldingen stoppen
notices-opt-out-confirm = Er worden geen meldingen meer gestuurd naar { $contact }. Bevestig dit met de knop.
notices-opt-out-button = Meldingen stoppen
notices-opt-out-done-title = Geen meldingen meer
notices-opt-out-done-text = Er worden geen meldingen meer gestuurd naar { $contact }.
notices-improvements-title = Ook bericht over verbeteringen
notices-improvements-confirm = { $contact } krijgt ook bericht wanneer een controle die faalde weer slaagt. Bevestig dit met de knop.
notices-improvements-button = Stuur mij ook verbeteringen
notices-improvements-done-title = Ook verbeteringen
notices-improvements-done-text = { $contact } krijgt voortaan bericht over zowel achteruitgang als verbetering.

## Het verzendlogboek (analisten en beheerders)
notices-log-title = Verzendlogboek van meldingen aan eigenaren
notices-log-link = Verzendlogboek van meldingen aan eigenaren
notices-log-intro = Elk overzicht dat aan eigenaren is gestuurd, het nieuwste eerst: aan wie, wanneer, wat erin stond, in welke taal, en wat de mailserver antwoordde.
notices-log-empty = Er is nog geen overzicht gemaakt.
notices-log-to = Aan
notices-log-when = Wanneer
notices-log-what = Wat
notices-log-language = Taal
notices-log-state = Status
notices-log-answer = Antwoord van de SMTP-server
notices-log-source-owner = eigenaar (organisatie)
notices-log-source-security-txt = security.txt
notices-log-source-rdap = misbruikcontact uit RDAP
notices-log-changes = { $count ->
    [one] 1 bevinding
   *[other] { $count } bevindingen
}
notices-log-domains = { $count ->
    [one] op 1 domein: { $domains }
   *[other] op { $count } domeinen: { $domains }
}
notices-log-more = en nog { $count }
notices-log-lists = Lijst: { $lists }
notices-log-sent-at = door de mailserver aangenomen { $when }
notices-log-state-sending = wordt verstuurd
notices-log-state-sent = verstuurd
notices-log-state-failed = niet verstuurd (de mailserver nam het niet aan; een andere dag opnieuw)
notices-log-state-bounced = onbestelbaar: geen mail meer naar dit adres
notices-log-state-opted-out = niet verstuurd: het contact heeft zich afgemeld
notices-log-newer = Nieuwer
notices-log-older = Ouder
notices-log-page = Pagina { $page } van { $pages }

## Talen, elk in eigen woorden
notices-language-en = English
notices-language-nl = Nederlands

## De taal van een organisatie, bij het beheer
notices-org-language = Taal van meldingen
notices-org-language-unknown = onbekend (Engels)
notices-org-language-save = Taal opslaan
notices-org-language-saved = Meldingen aan { $name } worden voortaan in deze taal geschreven: { $language }.
notices-org-language-bad = Er is geen vertaling in die taal.
