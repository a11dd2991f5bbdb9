"""The import command on the real catalogue: counts, idempotency, dry run, bad files."""

import csv
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

from tilbud.models import (
    Avtale,
    Diagnosekode,
    Kommune,
    Lokasjon,
    Organisasjon,
    Postnummer,
    Tilbud,
)
from tilbud.services.katalog_import import importer_katalog

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_all_66_live_tilbud_with_the_per_rhf_counts_of_the_report() -> None:
    aktive = Tilbud.objects.aktive()
    per_rhf = dict(aktive.values_list("rhf__kode").annotate(n=Count("id")))
    assert per_rhf == {"HSO": 33, "HV": 15, "HMN": 9, "HN": 9}
    # DOMAIN.md: HSØ 22 HF + 11 private, HV 9 + 6, HMN 6 + 3, HN 5 + 4.
    private = dict(
        aktive.filter(organisasjon__type="privat").values_list("rhf__kode").annotate(n=Count("id"))
    )
    assert private == {"HSO": 11, "HV": 6, "HMN": 3, "HN": 4}


def test_2019_only_rows_are_kept_as_not_verified_since_2019() -> None:
    gamle = Tilbud.objects.filter(status=Tilbud.Status.IKKE_BEKREFTET)
    assert sorted(gamle.values_list("kilde_id", flat=True)) == [
        "t4_20_r16",
        "t4_21_r01",
        "t4_21_r05",
        "t4_23_r09",
    ]
    assert {t.sist_bekreftet.year for t in gamle} == {2019}
    # Rows continued in 2020 become history of their 2020 tilbud, not tilbud of their own.
    diakon = Tilbud.objects.get(kilde_id="s4_6_1_2_1")
    assert "angst og depresjon" in diakon.beskrivelse_2019


def test_nothing_is_invented_unknown_waiting_time_stays_unknown() -> None:
    med_ventetid = Tilbud.objects.exclude(ventetid_tekst="")
    kilde = json.loads((FIXTURES / "tilbud_2020.json").read_text(encoding="utf-8"))
    oppgitt = {p["id"] for p in kilde if p["waiting_time"]}
    assert set(med_ventetid.values_list("kilde_id", flat=True)) == oppgitt
    assert Tilbud.objects.filter(ventetid_tekst="", ventetid_uker__isnull=False).count() == 0
    valnesfjord = Tilbud.objects.get(kilde_id="s4_6_9_3")
    assert valnesfjord.ventetid_uker == 4


def test_every_location_in_the_catalogue_is_mapped_to_a_kommune() -> None:
    kart = {}
    with (FIXTURES / "lokasjoner.csv").open(encoding="utf-8") as f:
        for rad in csv.DictReader(f):
            kart[rad["navn"]] = rad["kommunenummer"]
    navn = set()
    for fil in ("tilbud_2020.json", "tilbud_2019.json"):
        for p in json.loads((FIXTURES / fil).read_text(encoding="utf-8")):
            navn.update(p.get("locations") or [])
            for d in p.get("sub_offers") or []:
                navn.update(d.get("locations") or [])
    umappet = sorted(n for n in navn if n not in kart)
    assert umappet == [], f"Lokasjoner uten kommune: {umappet}"
    assert not set(kart.values()) - set(Kommune.objects.values_list("nummer", flat=True))
    bodo = Lokasjon.objects.get(navn="Bodø", organisasjon__navn="Nordlandssykehuset")
    assert bodo.kommune_id == "1804"


def test_geography_and_codes_are_complete() -> None:
    assert Kommune.objects.count() == 357
    assert Kommune.objects.get(nummer="1804").rhf.kode == "HN"
    oslo = Kommune.objects.get(nummer="0301")
    assert oslo.opptaksomrader.count() == 18
    assert Diagnosekode.objects.filter(kodeverk="ICPC2").count() == 708
    assert Diagnosekode.objects.filter(kodeverk="ICD10").count() == 19634


def test_private_providers_hold_agreements_with_one_or_more_rhf() -> None:
    frisk = Organisasjon.objects.get(navn__startswith="Oppfølgingsenheten Frisk")
    assert set(frisk.avtaler.values_list("rhf__kode", flat=True)) == {"HSO", "HV"}
    skogli = Organisasjon.objects.get(navn__startswith="Skogli")
    assert set(skogli.avtaler.values_list("type", flat=True)) == {Avtale.Type.ARR, Avtale.Type.PHV}


def test_second_run_reports_nothing_created_or_changed() -> None:
    ut = StringIO()
    call_command("importer_katalog", stdout=ut)
    assert "0 nye, 0 endret" in ut.getvalue()
    assert "HSO 33" in ut.getvalue()


def _kopi(tmp_path: Path) -> Path:
    kilde = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, kilde, ignore=shutil.ignore_patterns("hsds-3.0"))
    return kilde


def _ny_organisasjon(kilde: Path) -> None:
    with (kilde / "organisasjoner.csv").open("a", encoding="utf-8") as f:
        f.write("Ny testleverandør AS,privat,HN,,\n")


def test_dry_run_reports_changes_but_saves_nothing(tmp_path: Path) -> None:
    kilde = _kopi(tmp_path)
    _ny_organisasjon(kilde)
    ut = StringIO()
    call_command("importer_katalog", "--dry-run", "--kilde", str(kilde), stdout=ut)
    assert "1 nye" in ut.getvalue() and "tørrkjøring" in ut.getvalue()
    assert not Organisasjon.objects.filter(navn="Ny testleverandør AS").exists()


def test_corrupted_file_stops_with_file_record_and_reason_and_saves_nothing(
    tmp_path: Path,
) -> None:
    kilde = _kopi(tmp_path)
    _ny_organisasjon(kilde)  # would be saved before the tilbud step if the import were partial
    poster = json.loads((kilde / "tilbud_2020.json").read_text(encoding="utf-8"))
    poster[5]["hf"] = "Sykehuset som ikke finnes"
    (kilde / "tilbud_2020.json").write_text(json.dumps(poster), encoding="utf-8")
    with pytest.raises(CommandError) as feil:
        call_command("importer_katalog", "--kilde", str(kilde), stdout=StringIO())
    melding = str(feil.value)
    assert "tilbud_2020.json" in melding
    assert poster[5]["id"] in melding
    assert "Sykehuset som ikke finnes" in melding
    assert not Organisasjon.objects.filter(navn="Ny testleverandør AS").exists()


@pytest.mark.parametrize(
    ("fil", "forventet"),
    [
        ("geografi/kommuner.csv", "geografi/kommuner.csv, linje 3"),
        ("diagnosekoder/ICPC2.json", "ugyldig JSON"),
    ],
)
def test_broken_rows_name_the_file_and_line(tmp_path: Path, fil: str, forventet: str) -> None:
    kilde = _kopi(tmp_path)
    sti = kilde / fil
    if fil.endswith(".csv"):
        linjer = sti.read_text(encoding="utf-8").splitlines()
        linjer[2] = linjer[2].replace(linjer[2].split(",")[0], "12x4", 1)
        sti.write_text("\n".join(linjer) + "\n", encoding="utf-8")
    else:
        sti.write_text(sti.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(forventet)):
        call_command("importer_katalog", "--kilde", str(kilde), stdout=StringIO())


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=re.escape("organisasjoner.csv, fil: finnes ikke")):
        call_command("importer_katalog", "--kilde", str(tmp_path), stdout=StringIO())


def test_service_returns_counts_per_table() -> None:
    rapport = importer_katalog()
    assert rapport.nye == 0 and rapport.endret == 0
    assert rapport.tellinger["tilbud"].uendret == 70
    assert rapport.tilbud_per_rhf == {"HMN": 9, "HN": 9, "HSO": 33, "HV": 15}


def test_changed_source_data_is_updated_in_place(tmp_path: Path) -> None:
    kilde = _kopi(tmp_path)
    koder = kilde / "malgruppe_koder.csv"
    linjer = koder.read_text(encoding="utf-8").splitlines(keepends=True)
    koder.write_text("".join(x for x in linjer if ",N89,N90,hodepine," not in x), encoding="utf-8")
    poster = json.loads((kilde / "tilbud_2020.json").read_text(encoding="utf-8"))
    poster[0]["tilbud_name"] = "Nytt navn fra kilden"
    (kilde / "tilbud_2020.json").write_text(json.dumps(poster), encoding="utf-8")
    tilbud = Tilbud.objects.get(kilde_id=poster[0]["id"])

    rapport = importer_katalog(kilde=kilde)

    assert rapport.tellinger["målgruppekoder"].endret == 1
    assert rapport.tellinger["tilbud"].endret == 1 and rapport.tellinger["tilbud"].nye == 0
    tilbud.refresh_from_db()
    assert tilbud.navn == "Nytt navn fra kilden"
    assert tilbud.versjon == 2
    assert tilbud.malgrupper.exists()  # relations survive an update


def test_a_postal_code_moved_to_another_kommune_is_updated_and_the_rest_left_alone(
    tmp_path: Path,
) -> None:
    kilde = _kopi(tmp_path)
    fil = kilde / "geografi" / "postnummer.csv"
    rader = list(csv.DictReader(fil.open(encoding="utf-8")))
    bodo = next(r for r in rader if r["postnummer"] == "8001")
    bodo["kommunenummer"] = "1833"  # Rana
    with fil.open("w", encoding="utf-8", newline="") as ut:
        skriver = csv.DictWriter(ut, fieldnames=list(rader[0]))
        skriver.writeheader()
        skriver.writerows(rader)

    rapport = importer_katalog(kilde=kilde)

    assert rapport.tellinger["postnumre"].endret == 1
    assert rapport.tellinger["postnumre"].uendret == len(rader) - 1
    assert Postnummer.objects.get(nummer="8001").kommune_id == "1833"
