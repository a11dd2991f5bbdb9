"""What both exports share: stable UUIDs and honest text."""

import uuid

from tilbud.models import Organisasjon

# Fixed namespace for this registry's UUIDs (uuid5). Never change it: mirrors and HSDS/FHIR
# consumers key on the ids derived from it, and the same object gets the same UUID in both
# exports.
NAVNEROM = uuid.UUID("6f4c1d2e-8b1a-5c3e-9d7f-2a4b6c8e0f13")

# The Norwegian OID for organisasjonsnummer in Enhetsregisteret (used by HL7 Norway's no-basis).
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"


def stabil_uuid(type_: str, *nokler: object) -> str:
    return str(uuid.uuid5(NAVNEROM, "/".join([type_, *map(str, nokler)])))


def org_uuid(org_id: int) -> str:
    return stabil_uuid("organisasjon", org_id)


def lokasjon_uuid(lokasjon_id: int) -> str:
    return stabil_uuid("lokasjon", lokasjon_id)


def tilbud_uuid(tilbud_id: int) -> str:
    return stabil_uuid("tilbud", tilbud_id)


def org_beskrivelse(org: Organisasjon, rhf_navn: str | None) -> str:
    """A description from what we know (type and owner); HSDS requires one, we invent nothing."""
    tekst = org.get_type_display()
    return f"{tekst} i {rhf_navn}." if rhf_navn else f"{tekst}."


def avsnitt(*deler: tuple[str, str]) -> str:
    """Labelled paragraphs, leaving out the empty ones."""
    return "\n\n".join(
        f"{etikett}: {tekst}" if etikett else tekst for etikett, tekst in deler if tekst
    )
