"""An independent oracle for the summary figures: plain ORM filters and COUNTs per row, no
GROUP BY, so a mistake in the rebuild's grouping cannot hide in both. The referral figures are
counted the same way, per row, from the referrals the row's filters select; the waiting-time
percentiles and the small-cell rule are written out again here from their definitions (README
«Rapporter», rapporter.henvisningstall's docstring), not taken from the product, so a mistake in
the product's rule cannot hide in the oracle. And a helper that writes a referral row in a given
state."""

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from henvisning.models import Henvisning, Statusendring
from rapporter.models import HENVISNINGSFELT, HENVISNINGSSTATUSER, Sammendragsrad
from rapporter.services.sammendrag import HF_TYPER, RADFELT, beregn_rader, ett_ar_for
from tilbud.models import Organisasjon, Tilbud


def _celle(rad: Sammendragsrad | dict) -> tuple:
    """A row's cell: level, unit, målgruppe, fagområde (the rows of one cell differ by period)."""
    get = rad.get if isinstance(rad, dict) else lambda f: getattr(rad, f)
    return (get("niva"), get("region_kode"), get("malgruppe_id"), get("fagomrade"))


def direkte_tall(rad: Sammendragsrad | dict, dato: date) -> tuple[int, int, int]:
    niva, kode, malgruppe_id, fagomrade = _celle(rad)
    qs = Tilbud.objects.exclude(status=Tilbud.Status.AVSLUTTET)
    if niva == "rhf":
        qs = qs.filter(rhf__kode=kode)
    elif niva == "hf":
        qs = qs.filter(organisasjon_id=int(kode), organisasjon__type__in=HF_TYPER)
    else:
        qs = qs.filter(lokasjoner__kommune__fylke_id=kode)
    if malgruppe_id is not None:
        qs = qs.filter(malgrupper__id=malgruppe_id)
    if fagomrade:
        qs = qs.filter(fagomrade=fagomrade)
    ider = set(qs.values_list("id", flat=True))
    alle = Tilbud.objects.filter(id__in=ider)
    return (
        alle.filter(status=Tilbud.Status.AKTIV).count(),
        alle.count(),
        alle.filter(sist_bekreftet__lt=ett_ar_for(dato)).count(),
    )


def sjekk_mot_direkte_tall(
    rader: list[dict], dato: date, *, raa: Callable[[dict], Any] | None = None
) -> None:
    """Every row's figures against the direct counts. With `raa` (a row → the product's referral
    figures of its cell and period before the small-cell rule) those are checked too, against
    the same direct count.

    Within one call the database does not change, so what depends on the cell alone (the
    catalogue figures, the ids of the cell's referrals) is counted once per cell, not once per
    period: the property test checks thousands of rows, and this was most of its time."""
    katalog: dict[tuple, tuple[int, int, int]] = {}
    henvisninger: dict[tuple, set[int]] = {}
    for r in rader:
        celle = _celle(r)
        if celle not in katalog:
            katalog[celle] = direkte_tall(r, dato)
        faktisk = (r["aktive_tilbud"], r["synlige_tilbud"], r["ikke_bekreftet_12_mnd"])
        assert faktisk == katalog[celle], r
        if celle not in henvisninger:
            henvisninger[celle] = _henvisninger_i_cellen(r)
        tall = _henvisningstelling(r, dato, henvisninger[celle])
        henvisning = _publisert(tall, smaa_celler=True)
        assert set(henvisning) == {*HENVISNINGSFELT, "undertrykt"}  # the oracle knows every one
        assert {f: r[f] for f in (*HENVISNINGSFELT, "undertrykt")} == henvisning, r
        if raa is not None:
            forventet_raa = _publisert(tall, smaa_celler=False)
            faktisk_raa = raa(r)
            assert {f: getattr(faktisk_raa, f) for f in forventet_raa} == forventet_raa, r
        assert r["dekningshull"] == (
            r["malgruppe_id"] is not None and r["fagomrade"] == "" and r["aktive_tilbud"] == 0
        )
        assert r["aktive_per_100k"] is None  # no population loaded


def fra_scratch(rhf_kode: str, dato: date) -> list[tuple]:
    rhf = Organisasjon.objects.get(kode=rhf_kode)
    return [tuple(r[f] for f in RADFELT) for r in beregn_rader(rhf, dato)]


def lagret(generasjon) -> list[tuple]:
    return list(
        Sammendragsrad.objects.filter(generasjon=generasjon).order_by("id").values_list(*RADFELT)
    )


# --- Referrals ------------------------------------------------------------------------------------


def _periode(rad: dict, dato: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = dato.replace(day=1) if rad["periodetype"] == "maned" else dato.replace(month=1, day=1)
    assert rad["periode"] == (
        start.strftime("%Y-%m") if rad["periodetype"] == "maned" else str(start.year)
    )
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(dato + timedelta(days=1), time.min, tzinfo=tz),
    )


# The published rule, written out: a count of 1 to 4 persons is hidden.
MINSTE_VISTE_ANTALL = 5
STATUSFELT = [f"status_{s}" for s in HENVISNINGSSTATUSER]
ANTALL = [
    "henvisninger_totalt",
    *STATUSFELT,
    "henvisninger_vurdert",
    "henvisninger_rett",
    "henvisninger_avvist",
    "henvisninger_fristgrunnlag",
    "henvisninger_innen_frist",
    "ventetid_antall",
]
# share: (numerator, base); waiting time: its base
ANDEL = {
    "andel_avvist": ("henvisninger_avvist", "henvisninger_vurdert"),
    "andel_vurdert_innen_10_dager": ("henvisninger_innen_frist", "henvisninger_fristgrunnlag"),
}
VENTETID = {"ventetid_median_dager": 0.5, "ventetid_p90_dager": 0.9}


def _persentil(verdier: list[int], p: float) -> float | None:
    """percentile_cont by its definition: the value at the 0-based rank p·(n−1) of the sorted
    values, interpolated linearly between the two ranks around it."""
    if not verdier:
        return None
    ordnet = sorted(verdier)
    rang = p * (len(ordnet) - 1)
    under, over = math.floor(rang), math.ceil(rang)
    return ordnet[under] + (ordnet[over] - ordnet[under]) * (rang - under)


def _publisert(tall: dict[str, Any], *, smaa_celler: bool) -> dict[str, Any]:
    """Counts → the published figures: shares to 4 decimals, days to 1; with `smaa_celler` the
    small-cell rule applied as README «Rapporter» states it."""
    vist: dict[str, Any] = {f: tall[f] for f in ANTALL}
    for andel, (teller, nevner) in ANDEL.items():
        vist[andel] = round(tall[teller] / tall[nevner], 4) if tall[nevner] else None
    for ventetid in VENTETID:
        vist[ventetid] = None if tall[ventetid] is None else round(tall[ventetid], 1)
    vist["undertrykt"] = False
    if not smaa_celler:
        return vist
    for f in ANTALL:
        if 1 <= tall[f] < MINSTE_VISTE_ANTALL:
            vist[f] = None
            vist["undertrykt"] = True
    # Exactly one status count hidden: the total minus the others would give it away, so the
    # smallest other non-zero status count goes too (ties: the first by field name).
    skjulte_statuser = [f for f in STATUSFELT if vist[f] is None]
    if len(skjulte_statuser) == 1 and vist["henvisninger_totalt"] is not None:
        andre = sorted((vist[f], f) for f in STATUSFELT if vist[f])
        if andre:
            vist[andre[0][1]] = None
    for andel, (teller, nevner) in ANDEL.items():
        if vist[andel] is not None and (vist[teller] is None or vist[nevner] is None):
            vist[andel] = None
            vist["undertrykt"] = True
    for ventetid in VENTETID:
        if vist[ventetid] is not None and vist["ventetid_antall"] is None:
            vist[ventetid] = None
            vist["undertrykt"] = True
    return vist


def _henvisninger_i_cellen(rad: dict) -> set[int]:
    """The ids of the referrals the row's own filters select (any period)."""
    niva, kode = rad["niva"], rad["region_kode"]
    qs = Henvisning.objects.all()
    if niva == "rhf":
        qs = qs.filter(rhf__kode=kode)
    elif niva == "hf":
        qs = qs.filter(tilbud__organisasjon_id=int(kode), tilbud__organisasjon__type__in=HF_TYPER)
    else:
        qs = qs.filter(tilbud__lokasjoner__kommune__fylke_id=kode)
    if rad["malgruppe_id"] is not None:
        qs = qs.filter(tilbud__malgrupper__id=rad["malgruppe_id"])
    if rad["fagomrade"]:
        qs = qs.filter(tilbud__fagomrade=rad["fagomrade"])
    return set(qs.values_list("id", flat=True))


def _henvisningstelling(rad: dict, dato: date, ider: set[int]) -> dict[str, Any]:
    """The counts of the row's period, from the referrals `ider` of its cell, before rounding
    and the small-cell rule."""
    start, slutt = _periode(rad, dato)

    kohort = list(
        Henvisning.objects.filter(id__in=ider, sendt__gte=start, sendt__lt=slutt).values()
    )
    tall: dict[str, Any] = dict.fromkeys(ANTALL, 0)
    tall["henvisninger_totalt"] = len(kohort)
    for status in HENVISNINGSSTATUSER:
        tall[f"status_{status}"] = sum(h["status"] == status for h in kohort)
    for h in kohort:
        vurdert = h["vurdert"] is not None or h["status"] == "avvist"
        tall["henvisninger_vurdert"] += vurdert
        tall["henvisninger_rett"] += h["utfall"] == "rett"
        tall["henvisninger_avvist"] += h["utfall"] == "ikke_rett" or h["status"] == "avvist"
        frist = h["vurderingsfrist"]
        forfalt = h["status"] != "trukket" and frist is not None and frist < dato
        tall["henvisninger_fristgrunnlag"] += vurdert or forfalt
        avgjort = h["vurdert"] or h["lukket"]
        tall["henvisninger_innen_frist"] += bool(
            vurdert and avgjort and frist and timezone.localtime(avgjort).date() <= frist
        )
    startet = Statusendring.objects.filter(
        henvisning_id__in=ider,
        til_status="startet",
        tidspunkt__gte=start,
        tidspunkt__lt=slutt,
        henvisning__sendt__isnull=False,
    ).values_list("henvisning__sendt", "tidspunkt")
    dager = [(timezone.localtime(t).date() - timezone.localtime(s).date()).days for s, t in startet]
    tall["ventetid_antall"] = len(dager)
    for ventetid, p in VENTETID.items():
        tall[ventetid] = _persentil(dager, p)
    return tall


def henviser() -> Any:
    bruker, _ = get_user_model().objects.get_or_create(username="sammendrag-henviser")
    return bruker


def lag_henvisning(
    tilbud: Tilbud,
    *,
    status: str,
    sendt: datetime | None,
    utfall: str = "",
    vurdert: datetime | None = None,
    lukket: datetime | None = None,
    vurderingsfrist: date | None = None,
    startet: datetime | None = None,
    rhf: Organisasjon | None = None,
) -> Henvisning:
    """A referral row in the given state, as the lifecycle leaves it (no personal data: only the
    statistical record counts). `startet` adds the status log entry for the start of treatment."""
    h = Henvisning.objects.create(
        tilbud=tilbud,
        sender=henviser(),
        henvisertype="fastlege",
        mottaker=tilbud.organisasjon,
        rhf=rhf or tilbud.rhf,
        samtykke=True,
        status=status,
        utfall=utfall,
        frist=(vurdert or sendt or timezone.now()).date() + timedelta(days=60)
        if utfall == "rett"
        else None,
        sendt=sendt,
        vurdert=vurdert,
        lukket=lukket,
        vurderingsfrist=vurderingsfrist,
        # A draft must hold something (henvisning_utkast_har_innhold).
        sporsmal="Utkast" if status == "utkast" else "",
    )
    if startet is not None:
        endring = Statusendring.objects.create(
            henvisning=h, fra_status="venter", til_status="startet"
        )
        # auto_now_add sets the time on create; the test decides it.
        Statusendring.objects.filter(pk=endring.pk).update(tidspunkt=startet)
    return h


def henvisningsceller(rhf_kode: str, dato: date) -> set[tuple]:
    """(nivå, kode, målgruppe, fagområde) of every cell a referral of the region sent in the
    year up to `dato` falls in."""
    celler = set()
    rhf = Organisasjon.objects.get(kode=rhf_kode)
    start, slutt = _periode({"periodetype": "ar", "periode": str(dato.year)}, dato)
    for h in Henvisning.objects.filter(sendt__gte=start, sendt__lt=slutt).select_related(
        "tilbud__organisasjon", "rhf"
    ):
        t = h.tilbud
        enheter = []
        if h.rhf_id == rhf.id:
            enheter.append(("rhf", rhf_kode))
        if t.organisasjon.type in HF_TYPER and t.organisasjon.rhf_id == rhf.id:
            enheter.append(("hf", str(t.organisasjon_id)))
        enheter += [
            ("fylke", nr)
            for nr in t.lokasjoner.filter(kommune__fylke__rhf=rhf)
            .values_list("kommune__fylke_id", flat=True)
            .distinct()
        ]
        for niva, kode in enheter:
            for mg in [None, *t.malgrupper.values_list("id", flat=True)]:
                for fag in ("", t.fagomrade):
                    celler.add((niva, kode, mg, fag))
    return celler
