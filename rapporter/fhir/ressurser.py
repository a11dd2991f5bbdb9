"""The catalogue's rows as FHIR R4 resources (plain dicts, validated against fhir.resources in
the tests). The builders take rows plus a `Relasjoner` holding what a page needs of the related
tables, fetched once per page (selectors), so that no builder ever queries the database and the
history can render an old version of a row with the same code."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.text import slugify

from rapporter.eksport.felles import avsnitt
from tilbud.models import Behandlingsform, Kommune, Malgruppe, Organisasjon, Tilbud
from tilbud.models.tilbud import Fagomrade

from . import kodeverk as kv


def uten_tomme(data: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty strings, arrays and objects: an element has content or is absent."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _meta(versjon: int | None, sist_endret: datetime | None) -> dict[str, Any]:
    return uten_tomme(
        {
            "versionId": str(versjon) if versjon else None,
            "lastUpdated": sist_endret.isoformat() if sist_endret else None,
        }
    )


def kommune_id(nummer: str) -> str:
    """A kommune is a Location of its own (coverageArea points at it)."""
    return f"kommune-{nummer}"


def her_id(_objekt: object) -> str | None:
    """The HER-id of an organisation or a tilbud's receiving service. Not in the catalogue yet
    (the routing work adds a `mottak` block); never invented."""
    return None


# --- Organization ----------------------------------------------------------------------------


def organisasjon(org: Any, *, sist_endret: datetime | None = None) -> dict[str, Any]:
    """Organization: RHF at the top, HF and ideelle sykehus `partOf` their RHF."""
    identifikatorer = []
    if org.organisasjonsnummer:
        identifikatorer.append(
            {"system": kv.ORGANISASJONSNUMMER_SYSTEM, "value": org.organisasjonsnummer}
        )
    if her := her_id(org):
        identifikatorer.append({"system": kv.HER_SYSTEM, "value": her})
    typenavn = str(Organisasjon.Type(org.type).label)
    return uten_tomme(
        {
            "resourceType": "Organization",
            "id": str(org.id),
            "meta": _meta(org.versjon, sist_endret),
            "identifier": identifikatorer,
            "active": True,
            "type": [_coding(kv.CS_ORGANISASJONSTYPE, org.type, typenavn)],
            "name": org.navn,
            "alias": [a for a in org.aliaser if a],
            "telecom": [{"system": "url", "value": org.nettside}] if org.nettside else [],
            "partOf": {"reference": f"Organization/{org.rhf_id}"} if org.rhf_id else None,
        }
    )


# --- Location --------------------------------------------------------------------------------


def _adresse(kommune: Kommune) -> dict[str, Any]:
    return {
        "use": "work",
        "type": "physical",
        "city": kommune.navn,
        "district": kommune.navn,
        "_district": {
            "extension": [
                {
                    "url": kv.KOMMUNE_EXTENSION,
                    "valueCoding": {
                        "system": kv.KOMMUNENUMMER_SYSTEM,
                        "code": kommune.nummer,
                        "display": kommune.navn,
                    },
                }
            ]
        },
        "state": kommune.fylke.navn,
        "country": "NO",
    }


def _posisjon(kommune: Kommune) -> dict[str, float]:
    return {"latitude": float(kommune.lat), "longitude": float(kommune.lon)}


def _mcsd_type(kode: str, navn: str) -> list[dict[str, Any]]:
    """mCSD marks a facility or a jurisdiction by a type in the urn:ietf:rfc:3986 system."""
    return [{"coding": [{"system": "urn:ietf:rfc:3986", "code": kode, "display": navn}]}]


def lokasjon(lok: Any, kommune: Kommune, *, sist_endret: datetime | None = None) -> dict[str, Any]:
    """A site. Only its kommune is known: the address names the kommune and the position is the
    kommune's centre point, never a made-up street."""
    return {
        "resourceType": "Location",
        "id": str(lok.id),
        "meta": _meta(lok.versjon, sist_endret),
        "status": "active",
        "name": lok.navn,
        "mode": "instance",
        "type": _mcsd_type(kv.MCSD_FACILITY, "Facility"),
        "physicalType": _coding(kv.LOCATION_PHYSICAL_TYPE_SYSTEM, "si", "Site"),
        "address": _adresse(kommune),
        "position": _posisjon(kommune),
        "managingOrganization": {"reference": f"Organization/{lok.organisasjon_id}"},
    }


def kommune_lokasjon(kommune: Kommune) -> dict[str, Any]:
    """A kommune as a jurisdiction Location: what coverageArea refers to."""
    return {
        "resourceType": "Location",
        "id": kommune_id(kommune.nummer),
        "identifier": [{"system": kv.KOMMUNENUMMER_SYSTEM, "value": kommune.nummer}],
        "status": "active",
        "name": kommune.navn,
        "mode": "kind",
        "type": _mcsd_type(kv.MCSD_JURISDICTION, "Jurisdiction"),
        "physicalType": _coding(kv.LOCATION_PHYSICAL_TYPE_SYSTEM, "jdn", "Jurisdiction"),
        "address": _adresse(kommune),
        "position": _posisjon(kommune),
    }


# --- Endpoint --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endepunkt:
    """One way to reach a tilbud. Today only its web page; the routing work adds the receiving
    service (no-basis-Endpoint, ebXML with HER-id) in `endepunkter` without changing callers."""

    id: str
    navn: str
    adresse: str
    type_kode: str
    type_navn: str
    organisasjon_id: int


def endepunkter(tilbud: Any) -> list[Endepunkt]:
    """The endpoints a tilbud has, from what the catalogue knows (no invented HER-ids)."""
    if not tilbud.nettside:
        return []
    return [
        Endepunkt(
            id=f"tilbud-{tilbud.id}-nettside",
            navn=f"Nettside: {tilbud.navn}",
            adresse=tilbud.nettside,
            type_kode="nettside",
            type_navn="Nettside med informasjon og kontakt",
            organisasjon_id=tilbud.organisasjon_id,
        )
    ]


def endepunkt(e: Endepunkt) -> dict[str, Any]:
    return {
        "resourceType": "Endpoint",
        "id": e.id,
        "status": "active",
        "connectionType": {
            "system": kv.CS_ENDEPUNKTTYPE,
            "code": e.type_kode,
            "display": e.type_navn,
        },
        "name": e.navn,
        "managingOrganization": {"reference": f"Organization/{e.organisasjon_id}"},
        "payloadType": [_coding(kv.ENDPOINT_PAYLOAD_TYPE_SYSTEM, "none", "None")],
        "address": e.adresse,
    }


# --- HealthcareService -----------------------------------------------------------------------


@dataclass
class Relasjoner:
    """What the HealthcareService builder needs beyond the tilbud's own row, keyed by id."""

    malgrupper: dict[int, list[Malgruppe]] = field(default_factory=dict)
    behandlingsformer: dict[int, list[Behandlingsform]] = field(default_factory=dict)
    lokasjoner: dict[int, list[int]] = field(default_factory=dict)
    # Catchment kommuner per organisation (HF) and per RHF (the region, for the rest).
    kommuner_per_hf: dict[int, list[Kommune]] = field(default_factory=dict)
    kommuner_per_rhf: dict[int, list[Kommune]] = field(default_factory=dict)


def dekningsomrade(tilbud: Any, rel: Relasjoner) -> list[Kommune]:
    """The kommuner a tilbud serves: its HF's catchment area, or for a tilbud whose provider has
    none of its own (RHF, ideell, privat), the kommuner of its region."""
    return rel.kommuner_per_hf.get(tilbud.organisasjon_id) or rel.kommuner_per_rhf.get(
        tilbud.rhf_id, []
    )


def _kodespenn(m: Malgruppe) -> str:
    spenn = [str(k) for k in m.koder.all()]
    return ("Koder: " + "; ".join(spenn) + ".") if spenn else ""


def _utvidelser(t: Any) -> list[dict[str, Any]]:
    ut = []
    if t.ventetid_uker is not None:
        deler: list[dict[str, Any]] = [
            {
                "url": "uker",
                "valueQuantity": {
                    "value": t.ventetid_uker,
                    "unit": "uker",
                    "system": "http://unitsofmeasure.org",
                    "code": "wk",
                },
            }
        ]
        if t.ventetid_type:
            deler.append({"url": "type", "valueString": t.ventetid_type})
        if t.ventetid_dato:
            deler.append({"url": "dato", "valueDate": t.ventetid_dato.isoformat()})
        if t.ventetid_kilde:
            deler.append({"url": "kilde", "valueString": t.ventetid_kilde})
        ut.append({"url": kv.EXT_VENTETID, "extension": deler})
    if t.tar_imot_henvisninger is not None:
        deler = [{"url": "tarImot", "valueBoolean": t.tar_imot_henvisninger}]
        if t.kapasitet_bekreftet:
            deler.append({"url": "bekreftet", "valueDate": t.kapasitet_bekreftet.isoformat()})
        ut.append({"url": kv.EXT_TAR_IMOT_NYE, "extension": deler})
    return ut


def _henvisningsmetode(t: Any) -> list[dict[str, Any]]:
    if t.henvisning_til == Tilbud.HenvisningTil.UKJENT:
        return []
    til = str(Tilbud.HenvisningTil(t.henvisning_til).label)
    return [
        {
            "coding": [
                {
                    "system": kv.REFERRAL_METHOD_SYSTEM,
                    "code": "elec",
                    "display": "Secure Messaging",
                },
                {"system": kv.CS_HENVISNING_TIL, "code": t.henvisning_til, "display": til},
            ],
            "text": til,
        }
    ]


def tjeneste(t: Any, rel: Relasjoner) -> dict[str, Any]:
    """HealthcareService for one tilbud (current row or a history version of it)."""
    fag = str(Fagomrade(t.fagomrade).label)
    malgrupper = rel.malgrupper.get(t.id, [])
    kriterier = avsnitt(
        ("", t.malgruppe_tekst),
        ("Alder", t.alder_tekst),
        ("Inklusjonskriterier", t.inklusjonskriterier),
        ("Eksklusjonskriterier", t.eksklusjonskriterier),
    )
    egenskaper = [
        _coding(kv.CS_BEHANDLINGSFORM, b.kode, b.navn) for b in rel.behandlingsformer.get(t.id, [])
    ]
    if t.digital:
        egenskaper.append(_coding(kv.CS_EGENSKAP, "digital", "Kan gis digitalt (video/nett)"))
    return uten_tomme(
        {
            "resourceType": "HealthcareService",
            "id": str(t.id),
            "meta": _meta(t.versjon, t.endret),
            "extension": _utvidelser(t),
            "identifier": [{"system": kv.NS_TILBUD_KILDE_ID, "value": t.kilde_id}],
            "active": t.status != Tilbud.Status.AVSLUTTET,
            "providedBy": {"reference": f"Organization/{t.organisasjon_id}"},
            "category": [_coding(kv.CS_FAGOMRADE, t.fagomrade, fag)],
            "type": [_coding(kv.CS_TILBUDSKATEGORI, slugify(t.kategori), t.kategori)]
            if t.kategori
            else [],
            "specialty": [_coding(kv.CS_FAGOMRADE, t.fagomrade, fag)],
            "location": [{"reference": f"Location/{i}"} for i in rel.lokasjoner.get(t.id, [])],
            "name": t.navn,
            "comment": str(Tilbud.Status(t.status).label)
            if t.status == Tilbud.Status.IKKE_BEKREFTET
            else None,
            "extraDetails": avsnitt(("", t.innhold), ("Varighet og omfang", t.varighet)),
            "telecom": [{"system": "url", "value": t.nettside}] if t.nettside else [],
            "coverageArea": [
                {"reference": f"Location/{kommune_id(k.nummer)}", "display": k.navn}
                for k in dekningsomrade(t, rel)
            ],
            "eligibility": [
                uten_tomme(
                    {"code": _coding(kv.CS_MALGRUPPE, m.slug, m.navn), "comment": _kodespenn(m)}
                )
                for m in malgrupper
            ]
            + ([{"code": {"text": "Kriterier"}, "comment": kriterier}] if kriterier else []),
            "characteristic": egenskaper,
            "referralMethod": _henvisningsmetode(t),
            "appointmentRequired": True
            if t.henvisning_til != Tilbud.HenvisningTil.UKJENT
            else None,
            "availabilityExceptions": avsnitt(
                ("Ventetid", t.ventetid_tekst), ("Kapasitet", t.kapasitet)
            ),
            "endpoint": [{"reference": f"Endpoint/{e.id}"} for e in endepunkter(t)],
        }
    )
