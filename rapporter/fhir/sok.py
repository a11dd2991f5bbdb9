"""ITI-90 search: the parameter table per resource type (the CapabilityStatement is made from the
same table), value parsing, filters, sorting, paging and _include/_revinclude."""

import math
import re
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import ACos, Cast, Cos, Least, Radians, Sin
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from tilbud.models import Kommune, Opptaksomrade, Tilbud

from . import kodeverk as kv
from . import ressurser, selectors
from .feil import FhirFeil

Filter = Callable[[QuerySet, list[str], str], QuerySet]

# A condition every row meets. Not Q(): Django drops an empty Q from `a | Q()` (leaving `a`)
# and `~Q()` matches everything too.
ALLE = ~Q(pk__in=[])


@dataclass(frozen=True)
class Parameter:
    navn: str
    type: str  # FHIR SearchParamType
    dokumentasjon: str
    filter: Filter
    kun_med_historikk: bool = False  # needs the change log (PostgreSQL)
    modifikatorer: tuple[str, ...] = ()


# --- Value parsing -----------------------------------------------------------------------------


def _token(verdi: str) -> tuple[str | None, str]:
    if "|" in verdi:
        system, kode = verdi.split("|", 1)
        return system, kode
    return None, verdi


def _referanse(verdi: str, type_: str, navn: str) -> str:
    """`Type/id`, `id` or a full URL ending in Type/id → id."""
    deler = verdi.rstrip("/").split("/")
    if len(deler) >= 2 and deler[-2] != type_:
        raise FhirFeil(f"{navn}: forventet en referanse til {type_}.", uttrykk=navn)
    return deler[-1]


def _heltall(verdi: str) -> int | None:
    return int(verdi) if verdi.isdigit() and len(verdi) < 10 else None


_PREFIKS = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$")


def _dato_intervall(tekst: str, navn: str) -> tuple[datetime, datetime]:
    """A FHIR date(Time) value as the half-open interval [start, end) it stands for."""
    try:
        if re.fullmatch(r"\d{4}", tekst):
            start = datetime(int(tekst), 1, 1, tzinfo=UTC)
            return start, start.replace(year=start.year + 1)
        if re.fullmatch(r"\d{4}-\d{2}", tekst):
            aar, mnd = map(int, tekst.split("-"))
            start = datetime(aar, mnd, 1, tzinfo=UTC)
            slutt = datetime(aar + mnd // 12, mnd % 12 + 1, 1, tzinfo=UTC)
            return start, slutt
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tekst):
            start = datetime.combine(date.fromisoformat(tekst), time(), tzinfo=UTC)
            return start, start + timedelta(days=1)
        tid = parse_datetime(tekst)
    except ValueError:
        tid = None
    if tid is None or tid.tzinfo is None:
        raise FhirFeil(
            f"{navn}: «{tekst}» er ikke en FHIR-dato (ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD eller "
            "ÅÅÅÅ-MM-DDThh:mm:ss+hh:mm).",
            uttrykk=navn,
        )
    return tid, tid + timedelta(microseconds=1)


def tidspunkt(tekst: str, navn: str) -> datetime:
    """An instant (as `_since` takes it)."""
    return _dato_intervall(tekst, navn)[0]


def _dato_filter(kolonne: str) -> Filter:
    def filtrer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
        for verdi in verdier:  # repeated parameters AND together
            q = Q()
            for del_ in verdi.split(","):  # commas OR
                prefiks, tekst = _PREFIKS.match(del_).groups()  # type: ignore[union-attr]
                start, slutt = _dato_intervall(tekst, "_lastUpdated")
                q |= {
                    None: Q(**{f"{kolonne}__gte": start, f"{kolonne}__lt": slutt}),
                    "eq": Q(**{f"{kolonne}__gte": start, f"{kolonne}__lt": slutt}),
                    "ap": Q(**{f"{kolonne}__gte": start, f"{kolonne}__lt": slutt}),
                    "ne": ~Q(**{f"{kolonne}__gte": start, f"{kolonne}__lt": slutt}),
                    "gt": Q(**{f"{kolonne}__gte": slutt}),
                    "sa": Q(**{f"{kolonne}__gte": slutt}),
                    "ge": Q(**{f"{kolonne}__gte": start}),
                    "lt": Q(**{f"{kolonne}__lt": start}),
                    "eb": Q(**{f"{kolonne}__lt": start}),
                    "le": Q(**{f"{kolonne}__lt": slutt}),
                }[prefiks]
            qs = qs.filter(q)
        return qs

    return filtrer


def _hver(verdier: list[str], lag_q: Callable[[str], Q]) -> Q:
    """Each repetition ANDs; commas inside one value OR."""
    q = Q()
    for verdi in verdier:
        eller = Q(pk__in=[])
        for del_ in verdi.split(","):
            eller |= lag_q(del_)
        q &= eller
    return q


def _id_filter(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    return qs.filter(_hver(verdier, lambda v: Q(pk=_heltall(v)) if _heltall(v) else Q(pk__in=[])))


def _navn_filter(kolonne: str) -> Filter:
    def filtrer(qs: QuerySet, verdier: list[str], mod: str) -> QuerySet:
        qs = qs.annotate(**{f"_brettet_{kolonne.replace('__', '_')}": selectors.brettet(kolonne)})
        felt = f"_brettet_{kolonne.replace('__', '_')}"
        oppslag = {"": "startswith", "contains": "contains", "exact": "exact"}[mod]

        def q(verdi: str) -> Q:
            return (
                Q(**{f"{kolonne}__exact": verdi})
                if mod == "exact"
                else Q(**{f"{felt}__{oppslag}": selectors.brett(verdi)})
            )

        return qs.filter(_hver(verdier, q))

    return filtrer


def _aktiv_filter(alltid: Q) -> Filter:
    def filtrer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
        for verdi in verdier:
            if verdi not in ("true", "false"):
                raise FhirFeil("active: true eller false.", uttrykk="active")
            qs = qs.filter(alltid if verdi == "true" else ~alltid)
        return qs

    return filtrer


def _token_filter(system: str, kolonne: str) -> Filter:
    def filtrer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
        def q(verdi: str) -> Q:
            s, kode = _token(verdi)
            return Q(**{kolonne: kode}) if s in (None, "", system) else Q(pk__in=[])

        return qs.filter(_hver(verdier, q))

    return filtrer


def _ref_filter(type_: str, kolonne: str, navn: str) -> Filter:
    def filtrer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
        def q(verdi: str) -> Q:
            nr = _heltall(_referanse(verdi, type_, navn))
            return Q(**{kolonne: nr}) if nr else Q(pk__in=[])

        qs = qs.filter(_hver(verdier, q))
        return qs.distinct() if "__" in kolonne else qs

    return filtrer


def _lokasjonsstatus(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    def q(verdi: str) -> Q:
        system, kode = _token(verdi)
        gyldig = system in (None, "", "http://hl7.org/fhir/location-status")
        return ALLE if gyldig and kode == "active" else Q(pk__in=[])

    return qs.filter(_hver(verdier, q))


def _org_identifikator(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    def q(verdi: str) -> Q:
        system, kode = _token(verdi)
        if system in (None, "", kv.ORGANISASJONSNUMMER_SYSTEM):
            return Q(organisasjonsnummer=kode)
        return Q(pk__in=[])  # HER-ids are not in the catalogue yet

    return qs.filter(_hver(verdier, q))


def _tjenestetype(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    per_slug: dict[str, list[str]] = {}
    for kategori in selectors.tilbudskategorier():
        per_slug.setdefault(slugify(kategori), []).append(kategori)

    def q(verdi: str) -> Q:
        system, kode = _token(verdi)
        if system not in (None, "", kv.CS_TILBUDSKATEGORI):
            return Q(pk__in=[])
        return Q(kategori__in=per_slug.get(kode, []))

    return qs.filter(_hver(verdier, q))


def _dekningsomrade(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    """Tilbud whose HF's catchment area holds the kommune, or whose provider has no catchment
    area and whose region holds it (ressurser.dekningsomrade, in SQL)."""

    def q(verdi: str) -> Q:
        lok_id = _referanse(verdi, "Location", "coverage-area")
        nummer = lok_id.removeprefix("kommune-")
        if lok_id == nummer or not nummer.isdigit():
            return Q(pk__in=[])
        har_eget = Opptaksomrade.objects.filter(helseforetak_id=OuterRef("organisasjon_id"))
        i_eget = har_eget.filter(kommune_id=nummer)
        i_regionen = Kommune.objects.filter(nummer=nummer, rhf_id=OuterRef("rhf_id"))
        return Q(Exists(i_eget)) | (~Q(Exists(har_eget)) & Q(Exists(i_regionen)))

    return qs.filter(_hver(verdier, q))


_JORDRADIUS_KM = 6371.0


def _naer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
    """`near=lat|lon|distance|unit` (km or m; 50 km when left out), by great-circle distance
    from the site's position (its kommune's centre point)."""
    for verdi in verdier:
        deler = verdi.split("|")
        try:
            lat, lon = float(deler[0]), float(deler[1])
            avstand = float(deler[2]) if len(deler) > 2 and deler[2] else 50.0
        except (ValueError, IndexError):
            raise FhirFeil(
                "near: breddegrad|lengdegrad|avstand|enhet, f.eks. 67.28|14.40|20|km.",
                uttrykk="near",
            ) from None
        enhet = deler[3] if len(deler) > 3 and deler[3] else "km"
        if enhet not in ("km", "m") or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise FhirFeil("near: enheten er km eller m, og posisjonen må finnes.", uttrykk="near")
        if not math.isfinite(avstand) or avstand < 0:
            raise FhirFeil("near: avstanden er et tall ≥ 0.", uttrykk="near")
        km = avstand / 1000 if enhet == "m" else avstand
        # Spherical law of cosines; LEAST guards acos against 1.0000000001.
        cos_vinkel = Sin(Radians(lat)) * Sin(Radians(F("kommune__lat"))) + Cos(Radians(lat)) * Cos(
            Radians(F("kommune__lat"))
        ) * Cos(Radians(F("kommune__lon")) - Radians(lon))
        qs = qs.annotate(
            _avstand=ACos(Least(cos_vinkel, 1.0, output_field=FloatField())) * _JORDRADIUS_KM
        ).filter(_avstand__lte=km)
    return qs


# --- The table ---------------------------------------------------------------------------------

_FELLES = "Fellesparameter (alle ressurstyper)."


def _felles(sist_endret: str, aktiv: Q, navn: str = "navn") -> dict[str, Parameter]:
    return {
        "_id": Parameter("_id", "token", "Ressursens id.", _id_filter),
        "_lastUpdated": Parameter(
            "_lastUpdated",
            "date",
            "Sist endret, med prefiksene eq, ne, gt, lt, ge, le, sa, eb, ap.",
            _dato_filter(sist_endret),
            kun_med_historikk=sist_endret == "sist_endret",
        ),
        "name": Parameter(
            "name",
            "string",
            "Navnet begynner med (store/små bokstaver og aksenter likegyldig; æ, ø, å er egne "
            "bokstaver). :contains og :exact.",
            _navn_filter(navn),
            modifikatorer=("contains", "exact"),
        ),
        "active": Parameter("active", "token", "true eller false.", _aktiv_filter(aktiv)),
    }


@dataclass(frozen=True)
class Lenke:
    """An _include/_revinclude: `Kilde:parameter` and what it fetches for a page."""

    navn: str
    hent: Callable[[list[Any]], list[dict[str, Any]]]


@dataclass
class Ressurstype:
    navn: str
    qs: Callable[[], QuerySet]
    parametere: dict[str, Parameter]
    sortering: dict[str, str]
    bygg: Callable[[list[Any]], list[dict[str, Any]]]
    include: dict[str, Lenke] = field(default_factory=dict)
    revinclude: dict[str, Lenke] = field(default_factory=dict)
    profil: str = ""


def _bygg_organisasjoner(rader: list[Any]) -> list[dict[str, Any]]:
    return [ressurser.organisasjon(o, sist_endret=getattr(o, "sist_endret", None)) for o in rader]


def _bygg_lokasjoner(rader: list[Any]) -> list[dict[str, Any]]:
    return [
        ressurser.lokasjon(lok, lok.kommune, sist_endret=getattr(lok, "sist_endret", None))
        for lok in rader
    ]


def _bygg_tjenester(rader: list[Any]) -> list[dict[str, Any]]:
    rel = selectors.relasjoner(rader)
    return [ressurser.tjeneste(t, rel) for t in rader]


def _organisasjoner_med_id(ider: set[int]) -> list[dict[str, Any]]:
    return _bygg_organisasjoner(list(selectors.organisasjoner().filter(pk__in=ider).order_by("pk")))


def _inc_org_partof(rader: list[Any]) -> list[dict[str, Any]]:
    return _organisasjoner_med_id({o.rhf_id for o in rader if o.rhf_id})


def _inc_tilbyder(rader: list[Any]) -> list[dict[str, Any]]:
    return _organisasjoner_med_id({r.organisasjon_id for r in rader})


def _inc_tjeneste_lokasjoner(rader: list[Any]) -> list[dict[str, Any]]:
    ider = set(
        Tilbud.lokasjoner.through.objects.filter(tilbud_id__in=[t.id for t in rader]).values_list(
            "lokasjon_id", flat=True
        )
    )
    return _bygg_lokasjoner(list(selectors.lokasjoner().filter(pk__in=ider).order_by("pk")))


def _inc_dekningsomrade(rader: list[Any]) -> list[dict[str, Any]]:
    rel = selectors.relasjoner(rader)
    kommuner = {k.nummer: k for t in rader for k in ressurser.dekningsomrade(t, rel)}
    return [ressurser.kommune_lokasjon(kommuner[n]) for n in sorted(kommuner)]


def _inc_endepunkt(rader: list[Any]) -> list[dict[str, Any]]:
    return [ressurser.endepunkt(e) for t in rader for e in ressurser.endepunkter(t)]


def _rev_tjenester(kolonne: str) -> Callable[[list[Any]], list[dict[str, Any]]]:
    def hent(rader: list[Any]) -> list[dict[str, Any]]:
        qs = selectors.tjenester().filter(**{f"{kolonne}__in": [r.id for r in rader]})
        return _bygg_tjenester(list(qs.distinct().order_by("pk")))

    return hent


def _rev_lokasjoner(rader: list[Any]) -> list[dict[str, Any]]:
    qs = selectors.lokasjoner().filter(organisasjon_id__in=[r.id for r in rader]).order_by("pk")
    return _bygg_lokasjoner(list(qs))


def _rev_underliggende(rader: list[Any]) -> list[dict[str, Any]]:
    qs = selectors.organisasjoner().filter(rhf_id__in=[r.id for r in rader]).order_by("pk")
    return _bygg_organisasjoner(list(qs))


def _lenker(*lenker: Lenke) -> dict[str, Lenke]:
    return {lenke.navn: lenke for lenke in lenker}


ORG_SIST_ENDRET = "sist_endret"

TYPER: dict[str, Ressurstype] = {
    "Organization": Ressurstype(
        navn="Organization",
        qs=selectors.organisasjoner,
        parametere={
            **_felles(ORG_SIST_ENDRET, ALLE),
            "identifier": Parameter(
                "identifier",
                "token",
                f"Organisasjonsnummer ({kv.ORGANISASJONSNUMMER_SYSTEM}|…).",
                _org_identifikator,
            ),
            "partof": Parameter(
                "partof",
                "reference",
                "Organisasjonen er del av (RHF-et for et HF).",
                _ref_filter("Organization", "rhf_id", "partof"),
            ),
            "type": Parameter(
                "type",
                "token",
                f"Organisasjonstype ({kv.CS_ORGANISASJONSTYPE}): rhf, hf, ideell, privat.",
                _token_filter(kv.CS_ORGANISASJONSTYPE, "type"),
            ),
        },
        sortering={"_id": "pk", "name": "navn", "_lastUpdated": ORG_SIST_ENDRET},
        bygg=_bygg_organisasjoner,
        include=_lenker(Lenke("Organization:partof", _inc_org_partof)),
        revinclude=_lenker(
            Lenke("Organization:partof", _rev_underliggende),
            Lenke("Location:organization", _rev_lokasjoner),
            Lenke("HealthcareService:organization", _rev_tjenester("organisasjon_id")),
        ),
        profil="https://profiles.ihe.net/ITI/mCSD/StructureDefinition/IHE.mCSD.Organization",
    ),
    "Location": Ressurstype(
        navn="Location",
        qs=selectors.lokasjoner,
        parametere={
            **_felles(ORG_SIST_ENDRET, ALLE),
            "organization": Parameter(
                "organization",
                "reference",
                "Organisasjonen som driver stedet.",
                _ref_filter("Organization", "organisasjon_id", "organization"),
            ),
            "near": Parameter(
                "near",
                "special",
                "breddegrad|lengdegrad|avstand|enhet (km eller m); posisjonen er kommunens.",
                _naer,
            ),
            "status": Parameter(
                "status",
                "token",
                "active (alle steder i katalogen er aktive).",
                _lokasjonsstatus,
            ),
            "address-city": Parameter(
                "address-city",
                "string",
                "Kommunen stedet ligger i (begynner med; som name).",
                _navn_filter("kommune__navn"),
                modifikatorer=("contains", "exact"),
            ),
        },
        sortering={"_id": "pk", "name": "navn", "_lastUpdated": ORG_SIST_ENDRET},
        bygg=_bygg_lokasjoner,
        include=_lenker(Lenke("Location:organization", _inc_tilbyder)),
        revinclude=_lenker(
            Lenke("HealthcareService:location", _rev_tjenester("lokasjoner__id")),
        ),
        profil="https://profiles.ihe.net/ITI/mCSD/StructureDefinition/IHE.mCSD.Location",
    ),
    "HealthcareService": Ressurstype(
        navn="HealthcareService",
        qs=selectors.tjenester,
        parametere={
            **_felles("endret", ~Q(status=Tilbud.Status.AVSLUTTET)),
            "identifier": Parameter(
                "identifier",
                "token",
                f"Tilbudets id i kildedata ({kv.NS_TILBUD_KILDE_ID}|…).",
                _token_filter(kv.NS_TILBUD_KILDE_ID, "kilde_id"),
            ),
            "organization": Parameter(
                "organization",
                "reference",
                "Organisasjonen som gir tilbudet (providedBy).",
                _ref_filter("Organization", "organisasjon_id", "organization"),
            ),
            "location": Parameter(
                "location",
                "reference",
                "Et sted tilbudet gis.",
                _ref_filter("Location", "lokasjoner__id", "location"),
            ),
            "service-category": Parameter(
                "service-category",
                "token",
                f"Fagområde ({kv.CS_FAGOMRADE}).",
                _token_filter(kv.CS_FAGOMRADE, "fagomrade"),
            ),
            "service-type": Parameter(
                "service-type",
                "token",
                f"Kategorien i kilden ({kv.CS_TILBUDSKATEGORI}).",
                _tjenestetype,
            ),
            "specialty": Parameter(
                "specialty",
                "token",
                f"Fagområde ({kv.CS_FAGOMRADE}).",
                _token_filter(kv.CS_FAGOMRADE, "fagomrade"),
            ),
            "coverage-area": Parameter(
                "coverage-area",
                "reference",
                "En kommune tilbudet dekker: Location/kommune-NNNN.",
                _dekningsomrade,
            ),
        },
        sortering={"_id": "pk", "name": "navn", "_lastUpdated": "endret"},
        bygg=_bygg_tjenester,
        include=_lenker(
            Lenke("HealthcareService:organization", _inc_tilbyder),
            Lenke("HealthcareService:location", _inc_tjeneste_lokasjoner),
            Lenke("HealthcareService:coverage-area", _inc_dekningsomrade),
            Lenke("HealthcareService:endpoint", _inc_endepunkt),
        ),
        profil="https://profiles.ihe.net/ITI/mCSD/StructureDefinition/IHE.mCSD.HealthcareService",
    ),
}


class Endepunktsett:
    """The Endpoint search's rows. A tilbud gives up to two endpoints (web page, mottak), so
    the search runs one branch of tilbud per kind, filters them alike (a filter that depends on
    the kind asks `per_art`), counts their sum and pages their union ordered by (tilbud, kind):
    `_count`, `_total` and the paging links count endpoints, not tilbud."""

    def __init__(self, grener: dict[str, QuerySet], synkende: bool = False) -> None:
        self.grener = grener
        self.synkende = synkende

    def per_art(self, f: Callable[[str, QuerySet], QuerySet]) -> "Endepunktsett":
        return Endepunktsett({art: f(art, qs) for art, qs in self.grener.items()}, self.synkende)

    def filter(self, *args: Any, **kwargs: Any) -> "Endepunktsett":
        return self.per_art(lambda _art, qs: qs.filter(*args, **kwargs))

    def distinct(self) -> "Endepunktsett":
        return self.per_art(lambda _art, qs: qs.distinct())

    def count(self) -> int:
        return sum(qs.count() for qs in self.grener.values())

    def order_by(self, *felt: str) -> "Endepunktsett":
        # The only sort is _id (pk): ascending or descending, the kind breaking ties.
        return Endepunktsett(self.grener, bool(felt) and felt[0].startswith("-"))

    def __getitem__(self, del_: slice) -> list[Any]:
        deler = [
            qs.order_by().annotate(_art=Value(art)).values_list("pk", "_art")
            for art, qs in self.grener.items()
        ]
        retning = "-" if self.synkende else ""
        par = list(
            deler[0].union(*deler[1:], all=True).order_by(f"{retning}pk", f"{retning}_art")[del_]
        )
        tilbud = selectors.tjenester().in_bulk([pk for pk, _art in par])
        rader = []
        for pk, art in par:
            rad = copy(tilbud[pk])
            rad.endepunkt_art = art  # type: ignore[attr-defined]
            rader.append(rad)
        return rader


def _endepunkter() -> Endepunktsett:
    return Endepunktsett(
        {
            ressurser.NETTSIDE: selectors.tjenester().exclude(nettside=""),
            ressurser.MOTTAK: selectors.tjenester().filter(her_id__isnull=False),
        }
    )


_INGEN = Q(pk__in=[])


def _fast_token(system: str, kode: str) -> Filter:
    """A token every endpoint here has (status active)."""

    def filtrer(qs: QuerySet, verdier: list[str], _mod: str) -> QuerySet:
        def q(verdi: str) -> Q:
            s, k = _token(verdi)
            return ALLE if s in (None, "", system) and k == kode else _INGEN

        return qs.filter(_hver(verdier, q))

    return filtrer


def _per_art(lag_q: Callable[[str, str], Q]) -> Filter:
    """A filter whose condition depends on the endpoint's kind: lag_q(kind, value) → Q."""

    def filtrer(qs: Any, verdier: list[str], _mod: str) -> Any:
        return qs.per_art(lambda art, gren: gren.filter(_hver(verdier, lambda v: lag_q(art, v))))

    return filtrer


def _endepunkt_id(art: str, verdi: str) -> Q:
    m = re.fullmatch(r"tilbud-(\d{1,9})-(\w+)", verdi)
    return Q(pk=int(m.group(1))) if m and m.group(2) == art else _INGEN


def _endepunkt_identifikator(art: str, verdi: str) -> Q:
    system, kode = _token(verdi)
    her = _heltall(kode)
    if art != ressurser.MOTTAK or system not in (None, "", kv.HER_SYSTEM) or her is None:
        return _INGEN
    return Q(her_id=her)


_FORBINDELSE = {
    ressurser.NETTSIDE: (kv.CS_ENDEPUNKTTYPE, "nettside"),
    ressurser.MOTTAK: (kv.NO_BASIS_CONNECTION_TYPE, kv.EBXML[0]),
}


def _forbindelse(art: str, verdi: str) -> Q:
    system, kode = _token(verdi)
    eget_system, egen_kode = _FORBINDELSE[art]
    return ALLE if system in (None, "", eget_system) and kode == egen_kode else _INGEN


def _nyttelast(art: str, verdi: str) -> Q:
    """payload-type: `none` for a web page; for a mottak endpoint a Meldingens funksjon code
    (any version) that one of its accepted messages carries."""
    system, kode = _token(verdi)
    if art == ressurser.NETTSIDE:
        ok = system in (None, "", kv.ENDPOINT_PAYLOAD_TYPE_SYSTEM) and kode == "none"
        return ALLE if ok else _INGEN
    if system not in (None, "", kv.MELDINGENS_FUNKSJON):
        return _INGEN
    meldinger = [
        m for m, (_v, funksjoner) in kv.MELDING_FUNKSJONER.items() if kode in dict(funksjoner)
    ]
    # The list as JSON text, the same on both backends (SQLite has no JSON containment).
    q = _INGEN
    for melding in meldinger:
        q |= Q(_meldinger_tekst__contains=f'"{melding}"')
    return q


def _nyttelast_filter(qs: Any, verdier: list[str], mod: str) -> Any:
    qs = qs.per_art(
        lambda _art, gren: gren.annotate(_meldinger_tekst=Cast("meldinger", TextField()))
    )
    return _per_art(_nyttelast)(qs, verdier, mod)


def _bygg_endepunkter(rader: list[Any]) -> list[dict[str, Any]]:
    return [
        ressurser.endepunkt(e)
        for t in rader
        for e in ressurser.endepunkter(t)
        if e.art == t.endepunkt_art
    ]


TYPER["Endpoint"] = Ressurstype(
    navn="Endpoint",
    qs=_endepunkter,  # type: ignore[arg-type]
    parametere={
        "_id": Parameter(
            "_id",
            "token",
            "tilbud-<id>-nettside eller tilbud-<id>-mottak.",
            _per_art(_endepunkt_id),
        ),
        "identifier": Parameter(
            "identifier",
            "token",
            f"Mottakets HER-id ({kv.HER_SYSTEM}|…).",
            _per_art(_endepunkt_identifikator),
        ),
        "organization": Parameter(
            "organization",
            "reference",
            "Organisasjonen som forvalter endepunktet.",
            _ref_filter("Organization", "organisasjon_id", "organization"),
        ),
        "status": Parameter(
            "status",
            "token",
            "active (alle).",
            _fast_token("http://hl7.org/fhir/endpoint-status", "active"),
        ),
        "connection-type": Parameter(
            "connection-type",
            "token",
            f"{kv.NO_BASIS_CONNECTION_TYPE}|{kv.EBXML[0]} (mottak, HER-id) eller "
            f"{kv.CS_ENDEPUNKTTYPE}|nettside.",
            _per_art(_forbindelse),
        ),
        "payload-type": Parameter(
            "payload-type",
            "token",
            f"Meldingens funksjon ({kv.MELDINGENS_FUNKSJON}|HENVISNING, DIALOG_…; alle "
            f"versjoner) eller {kv.ENDPOINT_PAYLOAD_TYPE_SYSTEM}|none (nettside).",
            _nyttelast_filter,
        ),
    },
    sortering={"_id": "pk"},
    bygg=_bygg_endepunkter,
    include=_lenker(Lenke("Endpoint:organization", _inc_tilbyder)),
    profil=kv.NO_BASIS_ENDPOINT,
)


# Chained search (mCSD: `organization.name`, `partof.identifier`, `location.name`, …): the
# reference parameter, the type it points at and the column holding the reference. Any search
# parameter of the target type can follow the dot.
KJEDER: dict[str, dict[str, tuple[str, str]]] = {
    "Organization": {"partof": ("Organization", "rhf_id")},
    "Location": {"organization": ("Organization", "organisasjon_id")},
    "Endpoint": {"organization": ("Organization", "organisasjon_id")},
    "HealthcareService": {
        "organization": ("Organization", "organisasjon_id"),
        "location": ("Location", "lokasjoner__id"),
    },
}

# Parameters every search takes besides the type's own.
RESULTATPARAMETERE = {
    "_count": "Antall treff per side (1–100, standard 20).",
    "_sort": "_id, name eller _lastUpdated, med - foran for synkende; flere med komma.",
    "_total": "none eller accurate (standard).",
    "_include": "Ta med ressursene treffene peker på.",
    "_revinclude": "Ta med ressursene som peker på treffene.",
    "_format": "json eller application/fhir+json.",
}
# Our own paging parameter, in the `next`/`previous` links.
SIDEPARAMETER = "_offset"
STANDARD_ANTALL = 20
MAKS_ANTALL = 100


def parametere(type_: Ressurstype) -> dict[str, Parameter]:
    """The type's search parameters this server answers (some need the change log)."""
    return {
        n: p
        for n, p in type_.parametere.items()
        if settings.HISTORIKK_AKTIV or not p.kun_med_historikk
    }


def sorteringer(type_: Ressurstype) -> dict[str, str]:
    return {
        n: k for n, k in type_.sortering.items() if k != ORG_SIST_ENDRET or settings.HISTORIKK_AKTIV
    }


@dataclass
class Svar:
    treff: list[dict[str, Any]]
    inkludert: list[dict[str, Any]]
    total: int | None
    brukt: list[tuple[str, str]]  # the parameters applied, for the self link
    ignorert: list[str]
    offset: int
    antall: int
    flere: bool


def _kjede(type_: Ressurstype, navn: str, mod: str) -> tuple[Ressurstype, Parameter, str] | None:
    """`reference.parameter` when the type can chain through that reference, else None."""
    ref, punktum, maal_navn = navn.partition(".")
    if not punktum or ref not in KJEDER.get(type_.navn, {}):
        return None
    maal_type, kolonne = KJEDER[type_.navn][ref]
    maal = TYPER[maal_type]
    parameter = parametere(maal).get(maal_navn)
    if parameter is None or (mod and mod not in parameter.modifikatorer):
        return None
    return maal, parameter, kolonne


def _en(verdier: list[str], navn: str) -> str:
    if len(verdier) != 1:
        raise FhirFeil(f"{navn} kan bare gis én gang.", uttrykk=navn)
    return verdier[0]


def sok(type_: Ressurstype, foresporsel: list[tuple[str, str]], *, streng: bool) -> Svar:
    """Run an ITI-90 search. `foresporsel` holds the query parameters in order; `streng` is
    `Prefer: handling=strict` (unknown parameters are an error instead of ignored)."""
    kjente = parametere(type_)
    per_navn: dict[tuple[str, str], list[str]] = {}
    kjedet: dict[tuple[str, str], tuple[tuple[Ressurstype, Parameter, str], list[str]]] = {}
    ignorert: list[str] = []
    resultat: dict[str, list[str]] = {}
    brukt: list[tuple[str, str]] = []
    for nokkel, verdi in foresporsel:
        navn, _, mod = nokkel.partition(":")
        if nokkel in RESULTATPARAMETERE or nokkel == SIDEPARAMETER:
            resultat.setdefault(nokkel, []).append(verdi)
            if nokkel != SIDEPARAMETER:
                brukt.append((nokkel, verdi))
        elif (kjede := _kjede(type_, navn, mod)) is not None:
            if verdi != "":
                kjedet.setdefault((navn, mod), (kjede, []))[1].append(verdi)
                brukt.append((nokkel, verdi))
        elif navn in kjente and (not mod or mod in kjente[navn].modifikatorer):
            if verdi == "":
                continue  # an empty value means «not given» (FHIR)
            per_navn.setdefault((navn, mod), []).append(verdi)
            brukt.append((nokkel, verdi))
        elif streng:
            raise FhirFeil(
                f"Ukjent søkeparameter «{nokkel}» for {type_.navn}. Gyldige: "
                f"{', '.join(sorted(kjente))}.",
                kode="not-supported",
                uttrykk=nokkel,
            )
        else:
            ignorert.append(nokkel)
    for fmt in resultat.get("_format", []):
        if fmt not in ("json", "application/fhir+json", "application/json"):
            raise FhirFeil("_format: bare JSON (json, application/fhir+json).", uttrykk="_format")

    qs = type_.qs()
    for (navn, mod), verdier in per_navn.items():
        qs = kjente[navn].filter(qs, verdier, mod)
    for (_navn, mod), ((maal, parameter, kolonne), verdier) in kjedet.items():
        maal_pk = parameter.filter(maal.qs(), verdier, mod).values("pk")
        qs = qs.filter(**{f"{kolonne}__in": maal_pk})
        if "__" in kolonne:
            qs = qs.distinct()

    antall = STANDARD_ANTALL
    if "_count" in resultat:
        tekst = _en(resultat["_count"], "_count")
        if not tekst.isdigit() or not 1 <= int(tekst) <= 10_000:
            raise FhirFeil("_count: et heltall fra 1 (sidene er på høyst 100).", uttrykk="_count")
        antall = min(int(tekst), MAKS_ANTALL)
    offset = 0
    if SIDEPARAMETER in resultat:
        tekst = _en(resultat[SIDEPARAMETER], SIDEPARAMETER)
        if not tekst.isdigit() or len(tekst) > 9:
            raise FhirFeil("_offset: et heltall ≥ 0.", uttrykk=SIDEPARAMETER)
        offset = int(tekst)
    total_valg = _en(resultat["_total"], "_total") if "_total" in resultat else "accurate"
    if total_valg not in ("none", "accurate", "estimate"):
        raise FhirFeil("_total: none eller accurate.", uttrykk="_total")

    rekkefolge: list[str] = []
    lovlige = sorteringer(type_)
    for verdi in resultat.get("_sort", []):
        for del_ in verdi.split(","):
            synkende = del_.startswith("-")
            if del_.lstrip("-") not in lovlige:
                raise FhirFeil(
                    f"_sort: «{del_}» kan ikke sorteres på. Gyldige: {', '.join(sorted(lovlige))}.",
                    uttrykk="_sort",
                )
            rekkefolge.append(("-" if synkende else "") + lovlige[del_.lstrip("-")])
    rekkefolge.append("pk")  # a unique order: pages neither repeat nor skip

    lenker = []
    for art, tabell in (("_include", type_.include), ("_revinclude", type_.revinclude)):
        for verdi in resultat.get(art, []):
            navn = verdi.removesuffix(":iterate")
            if navn not in tabell:
                raise FhirFeil(
                    f"{art}: «{verdi}» støttes ikke. Gyldige: {', '.join(sorted(tabell))}.",
                    kode="not-supported",
                    uttrykk=art,
                )
            lenker.append(tabell[navn])

    total = qs.count() if total_valg != "none" else None
    rader = list(qs.order_by(*rekkefolge)[offset : offset + antall + 1])
    flere = len(rader) > antall
    rader = rader[:antall]
    treff = type_.bygg(rader)
    sett = {(r["resourceType"], r["id"]) for r in treff}
    inkludert: list[dict[str, Any]] = []
    for lenke in lenker:
        for r in lenke.hent(rader) if rader else []:
            if (r["resourceType"], r["id"]) not in sett:
                sett.add((r["resourceType"], r["id"]))
                inkludert.append(r)
    return Svar(treff, inkludert, total, brukt, ignorert, offset, antall, flere)


def les(type_navn: str, id_: str) -> dict[str, Any]:
    """GET /fhir/{type}/{id}. 404 when there is no such resource, 410 for an ended tilbud."""
    ikke_funnet = FhirFeil(f"{type_navn}/{id_} finnes ikke.", status=404, kode="not-found")
    if type_navn == "Location" and id_.startswith("kommune-"):
        kommune = selectors.kommune(id_.removeprefix("kommune-"))
        if kommune is None:
            raise ikke_funnet
        return ressurser.kommune_lokasjon(kommune)
    if type_navn == "Endpoint":
        m = re.fullmatch(r"tilbud-(\d{1,9})-(\w+)", id_)
        tilbud = selectors.tjenester().filter(pk=m.group(1)).first() if m else None
        for e in ressurser.endepunkter(tilbud) if tilbud else []:
            if e.id == id_:
                return ressurser.endepunkt(e)
        avsluttet = Tilbud.objects.filter(pk=m.group(1)).first() if m and not tilbud else None
        if avsluttet and id_ in {e.id for e in ressurser.endepunkter(avsluttet)}:
            # Its tilbud ended: deleted, as _history says (DELETE), like the HealthcareService.
            raise FhirFeil(
                f"Endpoint/{id_} er slettet (tilbudet er avsluttet).", status=410, kode="deleted"
            )
        raise ikke_funnet
    pk = _heltall(id_)
    if pk is None:
        raise ikke_funnet
    type_ = TYPER[type_navn]
    rad = type_.qs().filter(pk=pk).first()
    if rad is None:
        if type_navn == "HealthcareService" and Tilbud.objects.filter(pk=pk).exists():
            raise FhirFeil(
                f"HealthcareService/{id_} er avsluttet (slettet).", status=410, kode="deleted"
            )
        raise ikke_funnet
    return type_.bygg([rad])[0]
