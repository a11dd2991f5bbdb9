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
from tilbud.models.mottak import Melding
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


def her_id(objekt: Any) -> int | None:
    """The HER-id of a tilbud's receiving service (the mottak block), or None: never invented.
    An Organisasjon has none of its own; the organisation's HER-id is recorded per tilbud
    (`overordnet_her_id`) and shown where that tilbud points at its organisation."""
    return getattr(objekt, "her_id", None)


def _her(verdi: int) -> dict[str, str]:
    return {"system": kv.HER_SYSTEM, "value": str(verdi)}


# --- Organization ----------------------------------------------------------------------------


def organisasjon(org: Any, *, sist_endret: datetime | None = None) -> dict[str, Any]:
    """Organization: RHF at the top, HF and ideelle sykehus `partOf` their RHF."""
    identifikatorer = []
    if org.organisasjonsnummer:
        identifikatorer.append(
            {"system": kv.ORGANISASJONSNUMMER_SYSTEM, "value": org.organisasjonsnummer}
        )
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


NETTSIDE = "nettside"
MOTTAK = "mottak"
ENDEPUNKTARTER = (NETTSIDE, MOTTAK)


@dataclass(frozen=True)
class Endepunkt:
    """One way to reach a tilbud: its web page, or its receiving service for electronic
    referrals (no-basis-Endpoint, service-based addressing by HER-id)."""

    tilbud: Any
    art: str  # NETTSIDE or MOTTAK

    @property
    def id(self) -> str:
        return f"tilbud-{self.tilbud.id}-{self.art}"


def endepunkter(tilbud: Any) -> list[Endepunkt]:
    """The endpoints a tilbud has, from what the catalogue knows: a web page when it has one,
    a messaging endpoint when its mottak block has a HER-id (none is invented)."""
    ut = []
    if tilbud.nettside:
        ut.append(Endepunkt(tilbud, NETTSIDE))
    if her_id(tilbud) is not None:
        ut.append(Endepunkt(tilbud, MOTTAK))
    return ut


def _forvalter(t: Any) -> dict[str, Any]:
    """The organisation reference, with the organisation's HER-id as its logical identifier
    when the mottak block knows it (no-basis: managingOrganization by ENH/RSH)."""
    return uten_tomme(
        {
            "reference": f"Organization/{t.organisasjon_id}",
            "identifier": _her(t.overordnet_her_id) if t.overordnet_her_id else None,
        }
    )


def _meldingstyper(meldinger: list[str]) -> list[dict[str, Any]]:
    """payloadType: each accepted message's functions (Volven 8279) with its version."""
    ut = []
    for melding in meldinger:
        versjon, funksjoner = kv.MELDING_FUNKSJONER[melding]
        ut.append(
            {
                "coding": [
                    {
                        "system": kv.MELDINGENS_FUNKSJON,
                        "version": versjon,
                        "code": kode,
                        "display": navn,
                    }
                    for kode, navn in funksjoner
                ],
                "text": str(Melding(melding).label),
            }
        )
    # payloadType is required (1..*); unregistered message types are said, not guessed.
    return ut or [{"text": "Meldingstyper ikke registrert"}]


def endepunkt(e: Endepunkt) -> dict[str, Any]:
    t = e.tilbud
    if e.art == NETTSIDE:
        return {
            "resourceType": "Endpoint",
            "id": e.id,
            "status": "active",
            "connectionType": {
                "system": kv.CS_ENDEPUNKTTYPE,
                "code": "nettside",
                "display": "Nettside med informasjon og kontakt",
            },
            "name": f"Nettside: {t.navn}",
            "managingOrganization": {"reference": f"Organization/{t.organisasjon_id}"},
            "payloadType": [_coding(kv.ENDPOINT_PAYLOAD_TYPE_SYSTEM, "none", "None")],
            "address": t.nettside,
        }
    kode, visning = kv.EBXML
    return uten_tomme(
        {
            "resourceType": "Endpoint",
            "id": e.id,
            "meta": {"profile": [kv.NO_BASIS_ENDPOINT]},
            "identifier": [_her(t.her_id)],
            "status": "active",
            "connectionType": {
                "system": kv.NO_BASIS_CONNECTION_TYPE,
                "code": kode,
                "display": visning,
            },
            "name": t.her_navn or t.navn,
            "managingOrganization": _forvalter(t),
            "payloadType": _meldingstyper(t.meldinger or []),
            "payloadMimeType": ["text/xml"],
            # The ebXML (mailto:) address is the receiver's CPP in Adresseregisteret, which we
            # do not hold: the address is the HER-id, which a sender resolves in AR.
            "address": f"{kv.HER_SYSTEM}:{t.her_id}",
        }
    )


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
            "providedBy": _forvalter(t),
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
            "endpoint": [
                uten_tomme(
                    {
                        "reference": f"Endpoint/{e.id}",
                        # The HER-id in the reference too: a HER-id change is a new version of
                        # the HealthcareService, not only of the Endpoint.
                        "identifier": _her(t.her_id) if e.art == MOTTAK else None,
                    }
                )
                for e in endepunkter(t)
            ],
        }
    )
