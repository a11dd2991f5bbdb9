"""Property test: on random catalogue data every summary figure equals a direct ORM count, and
every region × målgruppe × fagområde with a listing has its row."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapporter.services.sammendrag import HF_TYPER, beregn_rader
from tilbud.models import Lokasjon, Malgruppe, Organisasjon, Tilbud

from .sammendrag_hjelp import sjekk_mot_direkte_tall

DATO = date(2026, 3, 15)
FAG = ["arr", "muskel-skjelett", "psykisk-helsevern", "kreft"]

tilbud_strategi = st.fixed_dictionaries(
    {
        "rhf": st.sampled_from(["HSO", "HV", "HMN", "HN"]),
        "eier": st.integers(min_value=0, max_value=50),
        "status": st.sampled_from(["aktiv", "aktiv", "ikke_bekreftet", "avsluttet"]),
        "fag": st.sampled_from(FAG),
        "malgrupper": st.lists(st.integers(min_value=0, max_value=20), max_size=3),
        "lokasjoner": st.lists(st.integers(min_value=0, max_value=60), max_size=3),
        "dager_siden": st.integers(min_value=0, max_value=900),
    }
)


class _Rull(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(katalog=st.lists(tilbud_strategi, max_size=12), region=st.sampled_from(["HN", "HV"]))
def test_every_figure_equals_a_direct_count(katalog, region) -> None:
    try:
        with transaction.atomic():
            # Only random tilbud: the real ones are ended (kept, so PROTECT holds).
            Tilbud.objects.update(status="avsluttet", avsluttet_dato=DATO)
            eiere = list(Organisasjon.objects.exclude(type="rhf").order_by("id"))
            malgrupper = list(Malgruppe.objects.order_by("id"))
            lokasjoner = list(Lokasjon.objects.order_by("id"))
            rhf = {o.kode: o for o in Organisasjon.objects.filter(type="rhf")}
            for i, t in enumerate(katalog):
                tilbud = Tilbud.objects.create(
                    kilde_id=f"egenskap-{i}",
                    navn=f"Tilbud {i}",
                    organisasjon=eiere[t["eier"] % len(eiere)],
                    rhf=rhf[t["rhf"]],
                    kategori="Test",
                    fagomrade=t["fag"],
                    kilde="hypothesis",
                    status=t["status"],
                    avsluttet_dato=DATO if t["status"] == "avsluttet" else None,
                    sist_bekreftet=DATO - timedelta(days=t["dager_siden"]),
                    bekreftet_av="test",
                )
                tilbud.malgrupper.set({malgrupper[m % len(malgrupper)] for m in t["malgrupper"]})
                tilbud.lokasjoner.set({lokasjoner[x % len(lokasjoner)] for x in t["lokasjoner"]})
            rader = beregn_rader(rhf[region], DATO)
            sjekk_mot_direkte_tall(rader, DATO)
            _sjekk_fullstendig(rader, region)
            raise _Rull
    except _Rull:
        pass


def _sjekk_fullstendig(rader: list[dict], region: str) -> None:
    """Every cell with a listing has a row (the oracle above checks the rows that exist)."""
    har = {(r["niva"], r["region_kode"], r["malgruppe_id"], r["fagomrade"]) for r in rader}
    for t in Tilbud.objects.exclude(status="avsluttet").prefetch_related(
        "malgrupper", "lokasjoner__kommune__fylke", "organisasjon"
    ):
        enheter = []
        if t.rhf.kode == region:
            enheter.append(("rhf", region))
        if (
            t.organisasjon.type in HF_TYPER
            and t.organisasjon.rhf
            and (t.organisasjon.rhf.kode == region)
        ):
            enheter.append(("hf", str(t.organisasjon_id)))
        enheter += [
            ("fylke", lok.kommune.fylke_id)
            for lok in t.lokasjoner.all()
            if lok.kommune.fylke.rhf.kode == region
        ]
        for niva, kode in enheter:
            for mg in [None, *[m.id for m in t.malgrupper.all()]]:
                for fag in ("", t.fagomrade):
                    assert (niva, kode, mg, fag) in har
