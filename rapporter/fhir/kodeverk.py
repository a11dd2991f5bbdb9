"""The identifier systems, code systems and extensions the directory uses. The national ones are
HL7 Norway's (no-basis); the `helsearbeid.no` ones are minted here and described in the README's
Implementation Guide section."""

from rapporter.eksport.felles import ORGNR_SYSTEM
from tilbud.models.mottak import Melding

# National identifier systems (HL7 Norway no-basis NamingSystems; tested against a table taken
# from the published profiles in tests/rapporter/fhir/test_validering.py).
HER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.2"
KOMMUNENUMMER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402"
ORGANISASJONSNUMMER_SYSTEM = ORGNR_SYSTEM
# no-basis extension for a Norwegian address's kommune (Address.district's code).
KOMMUNE_EXTENSION = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"

# no-basis-Endpoint (HL7Norway/basisprofiler-r4-fsh: profiles/NoBasisEndpoint.fsh,
# codesystems/NoBasisConnectionType.fsh): the profile, the connection types of service-based
# addressing, and payloadType's required slice «Meldingens funksjon» (Volven 8279) with the
# message version in coding.version.
NO_BASIS_ENDPOINT = "http://hl7.no/fhir/StructureDefinition/no-basis-Endpoint"
NO_BASIS_CONNECTION_TYPE = "http://hl7.no/fhir/CodeSystem/no-basis-connection-type"
EBXML = ("no-ebxml-2", "ebXML 2.0")
MELDINGENS_FUNKSJON = "urn:oid:2.16.578.1.12.4.1.1.8279"
# What each message the mottak block lists is in 8279, and its version. Dialogmelding 1.1
# carries three functions (a GP's EPJ sends each as its own message type).
MELDING_FUNKSJONER: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Melding.HENVISNING_1_0: ("1.0", [("HENVISNING", "Henvisning")]),
    Melding.HENVISNING_1_1: ("1.1", [("HENVISNING", "Henvisning")]),
    Melding.HENVISNING_2_0: ("2.0", [("HENVISNING", "Henvisning")]),
    Melding.DIALOGMELDING_1_1: (
        "1.1",
        [
            ("DIALOG_HELSEFAGLIG", "Helsefaglig dialog"),
            ("DIALOG_FORESPORSEL", "Forespørsel"),
            ("DIALOG_SVAR", "Svar på forespørsel"),
        ],
    ),
}

# Code systems of HL7 itself.
REFERRAL_METHOD_SYSTEM = "http://terminology.hl7.org/CodeSystem/service-referral-method"
LOCATION_PHYSICAL_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/location-physical-type"
ENDPOINT_PAYLOAD_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/endpoint-payload-type"

# IHE mCSD's facility and jurisdiction types (system urn:ietf:rfc:3986).
MCSD_FACILITY = "urn:ihe:iti:mcsd:2019:facility"
MCSD_JURISDICTION = "urn:ihe:iti:mcsd:2019:jurisdiction"

# What we mint. Every one is listed in the README («FHIR-katalogen»).
BASE = "https://helsearbeid.no/fhir"
CS_ORGANISASJONSTYPE = f"{BASE}/CodeSystem/organisasjonstype"
CS_FAGOMRADE = f"{BASE}/CodeSystem/fagomrade"
CS_TILBUDSKATEGORI = f"{BASE}/CodeSystem/tilbudskategori"
CS_MALGRUPPE = f"{BASE}/CodeSystem/malgruppe"
CS_BEHANDLINGSFORM = f"{BASE}/CodeSystem/behandlingsform"
CS_EGENSKAP = f"{BASE}/CodeSystem/tilbudsegenskap"
CS_HENVISNING_TIL = f"{BASE}/CodeSystem/henvisning-til"
CS_ENDEPUNKTTYPE = f"{BASE}/CodeSystem/endepunkttype"
NS_TILBUD_KILDE_ID = f"{BASE}/NamingSystem/tilbud-kilde-id"
EXT_VENTETID = f"{BASE}/StructureDefinition/ventetid"
EXT_TAR_IMOT_NYE = f"{BASE}/StructureDefinition/tar-imot-nye"

MINTED = {
    CS_ORGANISASJONSTYPE: "Organisasjonstype: rhf, hf, ideell, privat.",
    CS_FAGOMRADE: "Tilbudets fagområde (HealthcareService.category og .specialty).",
    CS_TILBUDSKATEGORI: "Kategorien tilbudet står under i kilden (HealthcareService.type).",
    CS_MALGRUPPE: "Målgruppe (HealthcareService.eligibility.code); kodespennene står i comment.",
    CS_BEHANDLINGSFORM: "Behandlingsform (HealthcareService.characteristic).",
    CS_EGENSKAP: "Andre egenskaper (HealthcareService.characteristic): `digital`.",
    CS_HENVISNING_TIL: "Hvem henvisningen sendes til (HealthcareService.referralMethod).",
    CS_ENDEPUNKTTYPE: "Endpoint.connectionType for et endepunkt som ikke er en meldingskanal.",
    NS_TILBUD_KILDE_ID: "Tilbudets id i kildedata (HealthcareService.identifier).",
    EXT_VENTETID: "Ventetid: uker (valueQuantity), type, dato og kilde (kompleks utvidelse).",
    EXT_TAR_IMOT_NYE: "Tar imot nye henvisninger (valueBoolean) og når det ble bekreftet.",
}
