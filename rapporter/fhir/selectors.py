"""Reads for the FHIR directory: the rows of each resource type, the related rows a page needs
(a fixed number of queries whatever the page size) and the accent-aware name folding."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import CharField, Func, Max, OuterRef, QuerySet, Subquery

from tilbud.models import (
    Behandlingsform,
    Kommune,
    Lokasjon,
    Malgruppe,
    Opptaksomrade,
    Organisasjon,
    Tilbud,
)

from .ressurser import Relasjoner

# Case- and accent-aware folding for `name` and `address-city`: case goes, accents on foreign
# letters go (é → e), but æ, ø and å stay letters of their own (Norwegian: «Bodø» is not
# «Bodo»); ä and ö are their Swedish/German spellings. The database folds the column with the
# same table.
_STORE = {"Æ": "æ", "Ø": "ø", "Å": "å", "Ä": "æ", "Ö": "ø"}
_AKSENTER = {
    **dict.fromkeys("áàâãÁÀÂÃ", "a"),
    **dict.fromkeys("éèêëÉÈÊË", "e"),
    **dict.fromkeys("íìîïÍÌÎÏ", "i"),
    **dict.fromkeys("óòôõÓÒÔÕ", "o"),
    **dict.fromkeys("úùûüÚÙÛÜ", "u"),
    **dict.fromkeys("çÇ", "c"),
    **dict.fromkeys("ñÑ", "n"),
    "ä": "æ",
    "ö": "ø",
}


def brett(tekst: str) -> str:
    """The folded form of a search value (the same as `brettet` makes of a column)."""
    tekst = "".join(_STORE.get(c, c) for c in tekst).lower()
    return "".join(_AKSENTER.get(c, c) for c in tekst)


class _Brettet(Func):
    """PostgreSQL: translate() the capitals, lower(), translate() the accents (the capitals
    first: under the C collation lower() only knows ASCII); SQLite: `brett` itself, registered
    on each connection (rapporter.apps), since its LOWER only knows ASCII."""

    function = "fhir_brett"
    arity = 1

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        store = "".join(_STORE)
        sma = "".join(_AKSENTER)
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"translate(lower(translate(%(expressions)s, '{store}', "
                f"'{''.join(_STORE.values())}')), '{sma}', '{''.join(_AKSENTER.values())}')"
            ),
            **extra,
        )


def brettet(kolonne: str) -> Func:
    """The folded form of a column, as an SQL expression."""
    return _Brettet(kolonne, output_field=CharField())


def registrer_brett(**signal: Any) -> None:
    """connection_created: give SQLite the folding function."""
    connection = signal["connection"]
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "fhir_brett", 1, lambda v: None if v is None else brett(v), deterministic=True
        )


def _sist_endret(modell: Any) -> Subquery | None:
    """When a row last changed: its newest history event (PostgreSQL; None without history)."""
    if not settings.HISTORIKK_AKTIV:
        return None
    hendelser = modell.pgh_event_model.objects.filter(pgh_obj_id=OuterRef("pk"))
    return Subquery(
        hendelser.order_by()
        .values("pgh_obj_id")
        .annotate(siste=Max("pgh_created_at"))[:1]
        .values("siste")
    )


def organisasjoner() -> QuerySet[Organisasjon]:
    qs = Organisasjon.objects.all()
    if (siste := _sist_endret(Organisasjon)) is not None:
        qs = qs.annotate(sist_endret=siste)
    return qs


def lokasjoner() -> QuerySet[Lokasjon]:
    qs = Lokasjon.objects.select_related("kommune__fylke")
    if (siste := _sist_endret(Lokasjon)) is not None:
        qs = qs.annotate(sist_endret=siste)
    return qs


def tjenester() -> QuerySet[Tilbud]:
    """Tilbud as HealthcareService: ended ones are deleted resources (as in the sync API)."""
    return Tilbud.objects.exclude(status=Tilbud.Status.AVSLUTTET).defer("sokeord", "sokevektor")


def kommune(nummer: str) -> Kommune | None:
    return Kommune.objects.select_related("fylke").filter(nummer=nummer).first()


def kommuner(numre: Iterable[str]) -> dict[str, Kommune]:
    return {k.nummer: k for k in Kommune.objects.select_related("fylke").filter(nummer__in=numre)}


def tilbudskategorier() -> list[str]:
    return list(Tilbud.objects.order_by().values_list("kategori", flat=True).distinct())


def relasjoner(tilbud: list[Any]) -> Relasjoner:
    """What HealthcareService needs of the related tables for these tilbud (rows or history
    versions): seven queries, whatever their number."""
    ider = {t.id for t in tilbud}
    rel = Relasjoner()
    if not tilbud:
        return rel
    malgrupper = {m.id: m for m in Malgruppe.objects.prefetch_related("koder")}
    for tid, mid in (
        Tilbud.malgrupper.through.objects.filter(tilbud_id__in=ider)
        .order_by("malgruppe__navn")
        .values_list("tilbud_id", "malgruppe_id")
    ):
        rel.malgrupper.setdefault(tid, []).append(malgrupper[mid])
    former = {b.kode: b for b in Behandlingsform.objects.all()}
    for tid, kode in (
        Tilbud.behandlingsformer.through.objects.filter(tilbud_id__in=ider)
        .order_by("behandlingsform__rekkefolge", "behandlingsform_id")
        .values_list("tilbud_id", "behandlingsform_id")
    ):
        rel.behandlingsformer.setdefault(tid, []).append(former[kode])
    for tid, lid in (
        Tilbud.lokasjoner.through.objects.filter(tilbud_id__in=ider)
        .order_by("lokasjon_id")
        .values_list("tilbud_id", "lokasjon_id")
    ):
        rel.lokasjoner.setdefault(tid, []).append(lid)
    for omrade in (
        Opptaksomrade.objects.filter(helseforetak_id__in={t.organisasjon_id for t in tilbud})
        .select_related("kommune__fylke")
        .order_by("kommune_id")
    ):
        liste = rel.kommuner_per_hf.setdefault(omrade.helseforetak_id, [])
        if not liste or liste[-1].nummer != omrade.kommune_id:  # Oslo: one row per bydel
            liste.append(omrade.kommune)
    for k in Kommune.objects.filter(rhf_id__in={t.rhf_id for t in tilbud}).select_related("fylke"):
        rel.kommuner_per_rhf.setdefault(k.rhf_id, []).append(k)
    return rel
