"""The identifier systems, code systems and extensions the directory uses. The national ones are
HL7 Norway's (no-basis); the `helsearbeid.no` ones are minted here and described in the README's
Implementation Guide section."""

from rapporter.eksport.felles import ORGNR_SYSTEM

# National identifier systems (HL7 Norway no-basis NamingSystems; tested against a table taken
# from the published profiles in tests/rapporter/fhir/test_validering.py).
HER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.2"
KOMMUNENUMMER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402"
ORGANISASJONSNUMMER_SYSTEM = ORGNR_SYSTEM
# no-basis extension for a Norwegian address's kommune (Address.district's code).
KOMMUNE_EXTENSION = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"

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
