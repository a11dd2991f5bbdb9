"""The catalogue as a FHIR R4 Bundle of Organization, Location and HealthcareService.

Resources are identified by the same UUIDs as in the HSDS export and refer to each other with
`urn:uuid:` full URLs, which FHIR resolves inside the Bundle. Texts are Norwegian as they are;
what we do not know (addresses, phone numbers, opening hours) is left out.
"""

from collections.abc import Iterable
from typing import Any

from tilbud.models import Lokasjon, Organisasjon, Tilbud

from .felles import ORGNR_SYSTEM, avsnitt, lokasjon_uuid, org_uuid, tilbud_uuid

KODESYSTEM = "urn:helsearbeid:kodeverk"


def _ref(uuid: str, visning: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{uuid}", "display": visning}


def _uten_tomme(data: dict[str, Any]) -> dict[str, Any]:
    # FHIR forbids empty strings and arrays: an element is either there with content or absent.
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def fhir_organisasjon(org: Organisasjon, per_id: dict[int, Organisasjon]) -> dict[str, Any]:
    rhf = per_id.get(org.rhf_id) if org.rhf_id else None
    return _uten_tomme(
        {
            "resourceType": "Organization",
            "id": org_uuid(org.id),
            "identifier": [{"system": ORGNR_SYSTEM, "value": org.organisasjonsnummer}]
            if org.organisasjonsnummer
            else [],
            "active": True,
            "type": [
                {
                    "coding": [
                        {
                            "system": f"{KODESYSTEM}/organisasjonstype",
                            "code": org.type,
                            "display": org.get_type_display(),
                        }
                    ],
                    "text": org.get_type_display(),
                }
            ],
            "name": org.navn,
            "alias": [a for a in org.aliaser if a],
            "telecom": [{"system": "url", "value": org.nettside}] if org.nettside else [],
            "partOf": _ref(org_uuid(rhf.id), rhf.navn) if rhf else None,
        }
    )


def fhir_lokasjon(lok: Lokasjon) -> dict[str, Any]:
    kommune = lok.kommune
    return {
        "resourceType": "Location",
        "id": lokasjon_uuid(lok.id),
        "status": "active",
        "name": lok.navn,
        "mode": "instance",
        # Only the kommune is known: district (kommune) and state (fylke), no street.
        "address": {
            "use": "work",
            "type": "physical",
            "district": kommune.navn,
            "state": kommune.fylke.navn,
            "country": "NO",
        },
        "managingOrganization": {"reference": f"urn:uuid:{org_uuid(lok.organisasjon_id)}"},
    }


def fhir_tjeneste(tilbud: Tilbud) -> dict[str, Any]:
    return _uten_tomme(
        {
            "resourceType": "HealthcareService",
            "id": tilbud_uuid(tilbud.id),
            "meta": {"lastUpdated": tilbud.endret.isoformat()},
            "identifier": [{"system": f"{KODESYSTEM}/tilbud-kilde-id", "value": tilbud.kilde_id}],
            "active": tilbud.status != Tilbud.Status.AVSLUTTET,
            "providedBy": {"reference": f"urn:uuid:{org_uuid(tilbud.organisasjon_id)}"},
            "category": [
                {
                    "coding": [
                        {
                            "system": f"{KODESYSTEM}/fagomrade",
                            "code": tilbud.fagomrade,
                            "display": tilbud.get_fagomrade_display(),
                        }
                    ],
                    "text": tilbud.get_fagomrade_display(),
                }
            ],
            "type": [
                {
                    "coding": [
                        {
                            "system": f"{KODESYSTEM}/behandlingsform",
                            "code": b.kode,
                            "display": b.navn,
                        }
                    ],
                    "text": b.navn,
                }
                for b in tilbud.behandlingsformer.all()
            ],
            "location": [
                {"reference": f"urn:uuid:{lokasjon_uuid(lok.id)}"}
                for lok in tilbud.lokasjoner.all()
            ],
            "name": tilbud.navn,
            "comment": tilbud.get_status_display()
            if tilbud.status == Tilbud.Status.IKKE_BEKREFTET
            else None,
            "extraDetails": avsnitt(("", tilbud.innhold), ("Varighet og omfang", tilbud.varighet)),
            "telecom": [{"system": "url", "value": tilbud.nettside}] if tilbud.nettside else [],
            "eligibility": [
                _uten_tomme(
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": f"{KODESYSTEM}/malgruppe",
                                    "code": m.slug,
                                    "display": m.navn,
                                }
                            ],
                            "text": m.navn,
                        },
                    }
                )
                for m in tilbud.malgrupper.all()
            ]
            + (
                [
                    {
                        "code": {"text": "Kriterier"},
                        "comment": avsnitt(
                            ("", tilbud.malgruppe_tekst),
                            ("Alder", tilbud.alder_tekst),
                            ("Inklusjonskriterier", tilbud.inklusjonskriterier),
                            ("Eksklusjonskriterier", tilbud.eksklusjonskriterier),
                        ),
                    }
                ]
                if any(
                    (
                        tilbud.malgruppe_tekst,
                        tilbud.alder_tekst,
                        tilbud.inklusjonskriterier,
                        tilbud.eksklusjonskriterier,
                    )
                )
                else []
            ),
        }
    )


def fhir_bundle(
    *,
    organisasjoner: Iterable[Organisasjon],
    lokasjoner: Iterable[Lokasjon],
    tilbud: Iterable[Tilbud],
) -> dict[str, Any]:
    """A `collection` Bundle. No generation timestamp: the same catalogue gives the same bytes
    (and ETag); meta.lastUpdated is the latest change to a tilbud."""
    per_id = {org.id: org for org in organisasjoner}
    tilbud = list(tilbud)
    ressurser = [
        *(fhir_organisasjon(org, per_id) for org in per_id.values()),
        *(fhir_lokasjon(lok) for lok in lokasjoner),
        *(fhir_tjeneste(t) for t in tilbud),
    ]
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if tilbud:
        bundle["meta"] = {"lastUpdated": max(t.endret for t in tilbud).isoformat()}
    bundle["entry"] = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in ressurser]
    return bundle
