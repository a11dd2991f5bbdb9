"""An independent oracle for the summary figures: plain ORM filters and COUNTs per row, no
GROUP BY, so a mistake in the rebuild's grouping cannot hide in both."""

from datetime import date

from rapporter.models import Sammendragsrad
from rapporter.services.sammendrag import HF_TYPER, RADFELT, beregn_rader, ett_ar_for
from tilbud.models import Organisasjon, Tilbud


def direkte_tall(rad: Sammendragsrad | dict, dato: date) -> tuple[int, int, int]:
    get = rad.get if isinstance(rad, dict) else lambda f: getattr(rad, f)
    qs = Tilbud.objects.exclude(status=Tilbud.Status.AVSLUTTET)
    niva, kode = get("niva"), get("region_kode")
    if niva == "rhf":
        qs = qs.filter(rhf__kode=kode)
    elif niva == "hf":
        qs = qs.filter(organisasjon_id=int(kode), organisasjon__type__in=HF_TYPER)
    else:
        qs = qs.filter(lokasjoner__kommune__fylke_id=kode)
    if get("malgruppe_id") is not None:
        qs = qs.filter(malgrupper__id=get("malgruppe_id"))
    if get("fagomrade"):
        qs = qs.filter(fagomrade=get("fagomrade"))
    ider = set(qs.values_list("id", flat=True))
    alle = Tilbud.objects.filter(id__in=ider)
    return (
        alle.filter(status=Tilbud.Status.AKTIV).count(),
        alle.count(),
        alle.filter(sist_bekreftet__lt=ett_ar_for(dato)).count(),
    )


def sjekk_mot_direkte_tall(rader: list[dict], dato: date) -> None:
    for r in rader:
        forventet = direkte_tall(r, dato)
        faktisk = (r["aktive_tilbud"], r["synlige_tilbud"], r["ikke_bekreftet_12_mnd"])
        assert faktisk == forventet, r
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
