"""The search's result card, declared once.

`KORTFELT` names every value a card is built from, each with the ORM path that reads it
(`values()`) and the SQL expression that reads it in one statement (PostgreSQL). `LISTEFELT`
does the same for the card's three lists. `KORTDATA_SQL` and `kortdata` are both generated from
these declarations, and an SQL row is read back by column NAME (each column is aliased
`"kort.<name>"`), never by position: a field added here reaches both forms at once, and
tests/tilbud/test_api_tilbud.py holds them equal.

`resultatkort` turns those values into one search result as the API's TilbudListeSerializer
declares it (and the OpenAPI schema documents it); the HTML card (templates/tilbud/_kort.html)
renders that result, on the page and in the fragment static/js/sok.js fetches.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from helsearbeid.api.tidspunkt import iso_tidspunkt
from tilbud.models import Kommune, Tilbud, Ventetid
from tilbud.models.tilbud import Fagomrade
from tilbud.visning import (
    avstand_km_til,
    dato,
    etikett,
    ferskhet,
    henvisning_kort_tekst,
    niva,
    tar_imot_nye,
    vist_ventetid,
)

# The prefix of a card column's alias in an SQL row.
KOLONNE = "kort."


def _lik(verdi: Any) -> Any:
    return verdi


@dataclass(frozen=True)
class Kortfelt:
    """One value of a card: its name (the ORM `values()` path, and the key of the card's
    values), its SQL over `t` (tilbud), `o` (provider) and `r` (region), and how an SQL value
    becomes what the ORM gives."""

    navn: str
    sql: str
    fra_sql: Callable[[Any], Any] = _lik


def _json_liste(verdi: str | None) -> list[Any]:
    return json.loads(verdi or "[]")


def _lokasjoner(verdi: str | None) -> list[tuple[Any, ...]]:
    # As the ORM gives them: the point as Decimal, so distances are computed alike.
    return [
        (i, navn, nummer, kommune, Decimal(lat), Decimal(lon))
        for i, navn, nummer, kommune, lat, lon in _json_liste(verdi)
    ]


KORTFELT: tuple[Kortfelt, ...] = (
    Kortfelt("id", "t.id"),
    Kortfelt("navn", "t.navn"),
    Kortfelt("organisasjon_id", "t.organisasjon_id"),
    Kortfelt("organisasjon__navn", "o.navn"),
    Kortfelt("organisasjon__type", "o.type"),
    Kortfelt("rhf__kode", "r.kode"),
    Kortfelt("rhf__navn", "r.navn"),
    Kortfelt("fagomrade", "t.fagomrade"),
    Kortfelt("alder_fra", "t.alder_fra"),
    Kortfelt("alder_til", "t.alder_til"),
    Kortfelt("helseiarbeid", "t.helseiarbeid"),
    Kortfelt("henvisning_til", "t.henvisning_til"),
    Kortfelt("henvisere", "t.henvisere::text", json.loads),
    Kortfelt("ventetid_tekst", "t.ventetid_tekst"),
    Kortfelt("ventetid_uker", "t.ventetid_uker"),
    Kortfelt("ventetid_type", "t.ventetid_type"),
    Kortfelt("ventetid_dato", "t.ventetid_dato"),
    Kortfelt("ventetid_kilde", "t.ventetid_kilde"),
    Kortfelt("tar_imot_nye", "t.tar_imot_nye"),
    Kortfelt("tar_imot_nye_dato", "t.tar_imot_nye_dato"),
    Kortfelt("tar_imot_nye_til", "t.tar_imot_nye_til"),
    Kortfelt("status", "t.status"),
    Kortfelt("sist_bekreftet", "t.sist_bekreftet"),
    Kortfelt("endret", "t.endret"),
)


@dataclass(frozen=True)
class Listefelt:
    """One list of a card, in the order its model's Meta.ordering gives (as the tilbud page
    shows it): the link table's ORM read (`through`, `rekkefolge`, the `verdier` per element
    after the tilbud id) and the same as one JSON aggregate in SQL."""

    navn: str
    through: Callable[[], Any]
    rekkefolge: tuple[str, ...]
    verdier: tuple[str, ...]
    element: Callable[[tuple[Any, ...]], Any]
    sql: str
    fra_sql: Callable[[Any], Any]


LISTEFELT: tuple[Listefelt, ...] = (
    Listefelt(
        "malgrupper",
        lambda: Tilbud.malgrupper.through,
        ("malgruppe__navn", "malgruppe_id"),
        ("malgruppe__slug", "malgruppe__navn"),
        lambda v: {"slug": v[0], "navn": v[1]},
        """(SELECT json_agg(json_build_object('slug', m.slug, 'navn', m.navn) ORDER BY m.navn, m.id)
          FROM tilbud_tilbud_malgrupper tm JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
         WHERE tm.tilbud_id = t.id)::text""",
        _json_liste,
    ),
    Listefelt(
        "behandlingsformer",
        lambda: Tilbud.behandlingsformer.through,
        ("behandlingsform__rekkefolge", "behandlingsform_id"),
        ("behandlingsform_id", "behandlingsform__navn"),
        lambda v: {"kode": v[0], "navn": v[1]},
        """(SELECT json_agg(json_build_object('kode', b.kode, 'navn', b.navn)
                        ORDER BY b.rekkefolge, b.kode)
          FROM tilbud_tilbud_behandlingsformer tb
          JOIN tilbud_behandlingsform b ON b.kode = tb.behandlingsform_id
         WHERE tb.tilbud_id = t.id)::text""",
        _json_liste,
    ),
    Listefelt(
        "lokasjoner",
        lambda: Tilbud.lokasjoner.through,
        ("lokasjon__navn", "lokasjon_id"),
        (
            "lokasjon_id",
            "lokasjon__navn",
            "lokasjon__kommune__nummer",
            "lokasjon__kommune__navn",
            "lokasjon__kommune__lat",
            "lokasjon__kommune__lon",
        ),
        tuple,
        """(SELECT json_agg(json_build_array(l.id, l.navn, k.nummer, k.navn, k.lat::text,
                                         k.lon::text) ORDER BY l.navn, l.id)
          FROM tilbud_tilbud_lokasjoner tl JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
          JOIN tilbud_kommune k ON k.nummer = l.kommune_id
         WHERE tl.tilbud_id = t.id)::text""",
        _lokasjoner,
    ),
)


def _ventetider(verdi: str | None) -> list[tuple[Any, ...]]:
    # As the ORM gives them: the date as a date.
    return [(*v[:4], date.fromisoformat(v[4]), *v[5:]) for v in _json_liste(verdi)]


LISTEFELT += (
    Listefelt(
        "ventetider",
        lambda: Ventetid,
        ("type", "id"),
        ("type", "uker_min", "uker_maks", "omtrent", "dato", "kilde", "tekst"),
        tuple,
        """(SELECT json_agg(json_build_array(v.type, v.uker_min, v.uker_maks, v.omtrent,
                                         v.dato::text, v.kilde, v.tekst) ORDER BY v.type, v.id)
          FROM tilbud_ventetid v WHERE v.tilbud_id = t.id)::text""",
        _ventetider,
    ),
)

_ALLE: tuple[Kortfelt | Listefelt, ...] = (*KORTFELT, *LISTEFELT)
KORTNAVN = tuple(f.navn for f in _ALLE)

# `kortdata` as one statement: the lists as JSON built by PostgreSQL, in the same orders.
# `{hvor}` says which tilbud (tilbud.sok.sokeside puts the cards of a page in its statement).
# Only the fixed declarations above are joined; every value is a parameter.
KORTDATA_SQL = (
    "SELECT "  # noqa: S608
    + ",\n       ".join(f'{f.sql} AS "{KOLONNE}{f.navn}"' for f in _ALLE)
    + """
  FROM tilbud_tilbud t
  JOIN tilbud_organisasjon o ON o.id = t.organisasjon_id
  JOIN tilbud_organisasjon r ON r.id = t.rhf_id
 WHERE {hvor}
"""
)

_FRA_SQL = {f.navn: f.fra_sql for f in _ALLE}


def kortrad(kolonner: Sequence[str], rad: Sequence[Any]) -> dict[str, Any]:
    """The card values of an SQL row, read by column name (`"kort.<name>"`); other columns of
    the row are ignored. Raises if a declared field is missing from the row."""
    kort = {
        navn.removeprefix(KOLONNE): verdi
        for navn, verdi in zip(kolonner, rad, strict=True)
        if navn.startswith(KOLONNE)
    }
    if kort.keys() != _FRA_SQL.keys():
        raise ValueError(f"card columns {sorted(kort)} are not the declared {sorted(_FRA_SQL)}")
    return {navn: _FRA_SQL[navn](kort[navn]) for navn in KORTNAVN}


def kortdata(ider: list[int]) -> list[dict[str, Any]]:
    """The result cards' values of the given tilbud, through the ORM (any database)."""
    rader = {
        r["id"]: r for r in Tilbud.objects.filter(pk__in=ider).values(*(f.navn for f in KORTFELT))
    }
    for liste in LISTEFELT:
        for rad in rader.values():
            rad[liste.navn] = []
        for tilbud_id, *verdier in (
            liste.through()
            .objects.filter(tilbud_id__in=ider)
            .order_by(*liste.rekkefolge)
            .values_list("tilbud_id", *liste.verdier)
        ):
            rader[tilbud_id][liste.navn].append(liste.element(tuple(verdier)))
    return [{navn: rad[navn] for navn in KORTNAVN} for rad in rader.values()]


def _kortdata_postgres(ider: list[int]) -> list[dict[str, Any]]:
    """`kortdata` in one statement (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(KORTDATA_SQL.format(hvor="t.id = ANY(%s)"), [ider])
        kolonner = [k[0] for k in cursor.description]
        return [kortrad(kolonner, rad) for rad in cursor.fetchall()]


_RANGERING = ("niva_rang", "relevans", "avstand2")


def kortdata_for_treff(
    treff: Sequence[Any], les: Callable[[list[int]], list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """What the result cards of a page of search rows show, in the page's order: the card
    values (`KORTFELT`, `LISTEFELT`), and the ranking annotations (tier, relevance) carried
    over.

    Plain values, no model instances, a fixed number of queries whatever the page size: the
    rows carry their cards when the page was read with them (tilbud.sok.sokeside), else `les`
    reads them (the engine's card read; the ORM's `kortdata` when not given)."""
    if not treff:
        return []
    if all(getattr(rad, "kort", None) is not None for rad in treff):
        rader = {rad.pk: rad.kort for rad in treff}
    else:
        rader = {r["id"]: r for r in (les or kortdata)([rad.pk for rad in treff])}
    ut = []
    for rad in treff:
        if (kort := rader.get(rad.pk)) is None:
            continue  # the search table is kept in the same transaction; defensive only
        for navn in _RANGERING:
            if hasattr(rad, navn):
                kort[navn] = getattr(rad, navn)
        ut.append(kort)
    return ut


def resultatkort(
    kort: dict[str, Any],
    pasientkommune: Kommune | None,
    *,
    idag: date | None = None,
    uten_bydel: bool = False,
) -> dict[str, Any]:
    """One search result as TilbudListeSerializer declares it (and the OpenAPI schema documents
    it), built from the plain values of `kortdata_for_treff` rather than from a model
    instance field by field: a search answer is 25 of these. A test holds the two equal for
    every tilbud."""
    rang = kort.get("niva_rang")
    sprak = get_language()
    return {
        "id": kort["id"],
        "navn": kort["navn"],
        "organisasjon": {
            "id": kort["organisasjon_id"],
            "navn": kort["organisasjon__navn"],
            "type": kort["organisasjon__type"],
        },
        "rhf": {"kode": kort["rhf__kode"], "navn": kort["rhf__navn"]},
        "fagomrade": {
            "kode": kort["fagomrade"],
            "navn": etikett(Fagomrade, kort["fagomrade"], sprak),
        },
        "malgrupper": kort["malgrupper"],
        "behandlingsformer": kort["behandlingsformer"],
        "lokasjoner": [
            {"id": lok_id, "navn": navn, "kommune": {"nummer": nummer, "navn": kommunenavn}}
            for lok_id, navn, nummer, kommunenavn, _lat, _lon in kort["lokasjoner"]
        ],
        "alder_fra": kort["alder_fra"],
        "alder_til": kort["alder_til"],
        "helseiarbeid": kort["helseiarbeid"],
        "henvisning_til": {
            "kode": kort["henvisning_til"],
            "navn": etikett(Tilbud.HenvisningTil, kort["henvisning_til"], sprak),
        },
        "henvisning_kort": henvisning_kort_tekst(
            henvisning_til=kort["henvisning_til"],
            organisasjon_navn=kort["organisasjon__navn"],
            organisasjon_type=kort["organisasjon__type"],
            rhf_navn=kort["rhf__navn"],
            henvisere=kort["henvisere"],
        ),
        # Unknown stays unknown: no waiting time is ever made up.
        "ventetid": {
            "tekst": kort["ventetid_tekst"],
            "uker": kort["ventetid_uker"],
            "type": kort["ventetid_type"],
            "dato": dato(kort["ventetid_dato"]),
            "kilde": kort["ventetid_kilde"],
        }
        if kort["ventetid_tekst"]
        else None,
        "ventetid_vist": vist_ventetid(kort["ventetider"], idag=idag),
        "tar_imot_nye": tar_imot_nye(
            kort["tar_imot_nye"], kort["tar_imot_nye_dato"], kort["tar_imot_nye_til"], idag=idag
        ),
        "status": {"kode": kort["status"], "navn": etikett(Tilbud.Status, kort["status"], sprak)},
        "sist_bekreftet": dato(kort["sist_bekreftet"]),
        "ferskhet": ferskhet(kort["sist_bekreftet"], idag=idag),
        "niva": None if rang is None else niva(rang, uten_bydel=uten_bydel),
        "avstand_km": avstand_km_til(
            [(lat, lon) for *_, lat, lon in kort["lokasjoner"]], pasientkommune
        ),
        "endret": iso_tidspunkt(kort["endret"]),
    }
