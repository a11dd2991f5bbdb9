"""The catalogue as Open Referral HSDS 3.0 JSON (schemas in fixtures/hsds-3.0/).

Mapping, field by field, is in the code below. What we do not know stays out: no street
addresses (HSDS addresses require street, postcode and city), no coordinates (we only have the
kommune's centre, which is not the site), no phone numbers.
"""

from collections.abc import Iterable
from typing import Any

from tilbud.models import Lokasjon, Organisasjon, Tilbud

from .felles import avsnitt, lokasjon_uuid, org_beskrivelse, org_uuid, stabil_uuid, tilbud_uuid

HSDS_VERSJON = "3.0"

# HSDS service.status: active, inactive, defunct, temporarily closed. «Ikke bekreftet siden
# 2019» is not known to be closed; it stays active, with the alert and assured_date saying so.
STATUS = {
    Tilbud.Status.AKTIV: "active",
    Tilbud.Status.IKKE_BEKREFTET: "active",
    Tilbud.Status.AVSLUTTET: "defunct",
}


def _uten_tomme(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def hsds_organisasjon(org: Organisasjon, per_id: dict[int, Organisasjon]) -> dict[str, Any]:
    rhf = per_id.get(org.rhf_id) if org.rhf_id else None
    data = {
        "id": org_uuid(org.id),
        "name": org.navn,
        "description": org_beskrivelse(org, rhf.navn if rhf else None),
        "website": org.nettside,
        "parent_organization_id": org_uuid(rhf.id) if rhf else None,
        "organization_identifiers": [
            {
                "id": stabil_uuid("orgnr", org.id),
                "organization_id": org_uuid(org.id),
                # org-id.guide's code for Brønnøysundregistrene (Enhetsregisteret).
                "identifier_scheme": "NO-BRC",
                "identifier_type": "Organisasjonsnummer",
                "identifier": org.organisasjonsnummer,
            }
        ]
        if org.organisasjonsnummer
        else [],
    }
    return _uten_tomme(data)


def hsds_lokasjon(lok: Lokasjon) -> dict[str, Any]:
    kommune = lok.kommune
    return {
        "id": lokasjon_uuid(lok.id),
        "location_type": "physical",
        "organization_id": org_uuid(lok.organisasjon_id),
        "name": lok.navn,
        "description": f"{kommune.navn} kommune ({kommune.nummer}), {kommune.fylke.navn}.",
    }


def _termer(tilbud: Tilbud) -> list[dict[str, Any]]:
    """Fagområde and målgrupper as HSDS attributes with taxonomy terms of our own vocabularies."""
    sid = tilbud_uuid(tilbud.id)
    termer = [
        ("fagomrade", tilbud.fagomrade, tilbud.get_fagomrade_display(), ""),
        *(("malgruppe", m.slug, m.navn, m.beskrivelse) for m in tilbud.malgrupper.all()),
        *(("behandlingsform", b.kode, b.navn, "") for b in tilbud.behandlingsformer.all()),
    ]
    return [
        {
            "id": stabil_uuid("attributt", tilbud.id, taksonomi, kode),
            "link_id": sid,
            "link_type": taksonomi,
            "link_entity": "service",
            "value": kode,
            "taxonomy_term": {
                "id": stabil_uuid("term", taksonomi, kode),
                "code": kode,
                "name": navn,
                "description": beskrivelse or navn,
                "taxonomy": f"helsearbeid-{taksonomi}",
            },
        }
        for taksonomi, kode, navn, beskrivelse in termer
    ]


def hsds_tjeneste(tilbud: Tilbud) -> dict[str, Any]:
    sid = tilbud_uuid(tilbud.id)
    henvisning_til = (
        tilbud.get_henvisning_til_display()
        if tilbud.henvisning_til != Tilbud.HenvisningTil.UKJENT
        else ""
    )
    data = {
        "id": sid,
        "organization_id": org_uuid(tilbud.organisasjon_id),
        "name": tilbud.navn,
        "description": avsnitt(("", tilbud.innhold), ("Varighet og omfang", tilbud.varighet)),
        "url": tilbud.nettside,
        "status": STATUS[tilbud.status],
        "alert": tilbud.get_status_display()
        if tilbud.status == Tilbud.Status.IKKE_BEKREFTET
        else "",
        "application_process": avsnitt(
            ("", tilbud.henvisning_tekst),
            ("Hvem kan henvise", ", ".join(tilbud.henvisere)),
            ("Henvisningen sendes til", henvisning_til),
        ),
        "wait_time": tilbud.ventetid_tekst,
        "eligibility_description": avsnitt(
            ("", tilbud.malgruppe_tekst),
            ("Alder", tilbud.alder_tekst),
            ("Inklusjonskriterier", tilbud.inklusjonskriterier),
            ("Eksklusjonskriterier", tilbud.eksklusjonskriterier),
        ),
        "minimum_age": tilbud.alder_fra,
        "maximum_age": tilbud.alder_til,
        "assured_date": tilbud.sist_bekreftet.isoformat(),
        "last_modified": tilbud.endret.isoformat(),
        # Private providers with an agreement serve their whole region, HF tilbud mainly their
        # own HF's area; the region is what we can state for all of them.
        "service_areas": [
            {
                "id": stabil_uuid("tjenesteomrade", tilbud.id),
                "service_id": sid,
                "name": tilbud.rhf.navn,
                "description": "Helseregionen tilbudet hører til.",
            }
        ],
        "attributes": _termer(tilbud),
    }
    return _uten_tomme(data)


def hsds_dokument(
    *,
    organisasjoner: Iterable[Organisasjon],
    lokasjoner: Iterable[Lokasjon],
    tilbud: Iterable[Tilbud],
) -> dict[str, Any]:
    """Four HSDS tables, linked by UUID. Deterministic (no generation time), so the ETag only
    changes when the catalogue does."""
    per_id = {org.id: org for org in organisasjoner}
    tilbud = list(tilbud)
    return {
        "hsds_version": HSDS_VERSJON,
        "organizations": [hsds_organisasjon(org, per_id) for org in per_id.values()],
        "services": [hsds_tjeneste(t) for t in tilbud],
        "locations": [hsds_lokasjon(lok) for lok in lokasjoner],
        "service_at_locations": [
            {
                "id": stabil_uuid("tilbud_lokasjon", t.id, lok.id),
                "service_id": tilbud_uuid(t.id),
                "location_id": lokasjon_uuid(lok.id),
            }
            for t in tilbud
            for lok in t.lokasjoner.all()
        ],
    }
