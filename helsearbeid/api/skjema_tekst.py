"""The API's description and tags for /api/docs/, as plain data: the settings read them
(SPECTACULAR_SETTINGS), so this module imports nothing."""

# /api/docs/ groups the operations by these tags, in this order (SPECTACULAR_SETTINGS["TAGS"]
# gives each its description). Every operation gets exactly one (tests/test_schema.py).
TAGGER: list[dict[str, str]] = [
    {
        "name": "søk",
        "description": "Søket fastlegene bruker: tilbud for en pasient (kommune, diagnose, "
        "målgruppe …), rangert etter pasientens helseforetak, og diagnosekodeoppslaget.",
    },
    {
        "name": "katalog",
        "description": "Katalogen å lese: ett tilbud, organisasjoner, steder, målgrupper og "
        "kommuner. Åpen for alle.",
    },
    {
        "name": "redigering",
        "description": "Koordinatorer og tilbudsredaktører: endre tilbud, organisasjoner og "
        "steder (ETag/If-Match), forslag, feilmeldinger, historikk og personlige tokener. "
        "Krever innlogging (økt eller `Authorization: Token …`).",
    },
    {
        "name": "henvisninger",
        "description": "Henvisninger fra henviser til mottaker, med vurdering og frister. "
        "Krever innlogging med rollen henviser eller mottaker.",
    },
    {
        "name": "synk",
        "description": "Hele katalogen for speiling og analyse: inkrementell synk og eksport "
        "som HSDS 3.0 og FHIR. Åpen, med høyere kvote med API-nøkkel.",
    },
    {
        "name": "rapporter",
        "description": "Sammendrag per region og periode (katalog- og henvisningstall) for "
        "analytikere.",
    },
]

# How an analyst gets in: shown at the top of /api/docs/.
BESKRIVELSE = """Katalog over Helse og arbeid-tilbud i spesialisthelsetjenesten, med søk, \
redigering, henvisninger, synk og rapporter.

**Lesing er åpen.** Søk, katalog, synk og eksport kan brukes uten nøkkel, med en lavere kvote.

**Analytiker: slik får du en API-nøkkel.** Be en administrator av portalen om en nøkkel. \
Administratoren lager den i adminen (`/admin/`, «API-nøkler») eller med \
`python manage.py lag_api_nokkel --navn … --eier …`, og nøkkelen vises bare den ene gangen: \
ta vare på den. Send den med hver forespørsel som `Authorization: Api-Key <nøkkel>`. Nøkkelen gir \
egen, høyere kvote og tilgang til henvisningstallene i rapportene, men gir aldri skrivetilgang.

**Skriving** (redigering, henvisninger) krever en person: innlogget økt, eller et personlig \
token (`POST /api/v1/token/` når du er innlogget) sendt som `Authorization: Token <token>`.
"""
