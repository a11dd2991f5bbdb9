"""The load test's short version (bench/last.py, README «Drift»): a few seconds of the whole mix —
GP searches (API and page), tilbud pages, the analysts' cursor-paged sync, coordinator edits with
If-Match and referral transitions — at small concurrency against a real gunicorn on PostgreSQL.
Zero errors (no 5xx, no connection errors, no unexpected status) and zero lost updates."""

import json
import uuid

import pytest

from bench.last import Journal, Miljo, django_kall, kjor_steg

from .conftest import MAL

# Servers and workers of its own (the cluster's set-up counts): a hang fails within ten minutes.
pytestmark = pytest.mark.timeout(600)


def test_kort_last_gir_ingen_feil_og_ingen_tapte_oppdateringer(privat_pg, tmp_path) -> None:
    journal = Journal(kjoring=f"ci-{uuid.uuid4().hex[:6]}")
    with Miljo(tmp_path, arbeidere=2, celery=False, pg=privat_pg, mal=MAL) as miljo:
        steg = kjor_steg(miljo.gunicorn.base, miljo.data, journal, [], 4, 6)
        kontroll = miljo.sjekk(journal)

        # The check finds a lost update when there is one: a 200 the history does not hold.
        falsk = journal.som_json()
        tilbud = next(iter(miljo.data["redigerbare"].values()))[0]
        falsk["endringer"].append(
            {"tilbud": tilbud, "verdi": f"{journal.kjoring}-tapt", "status": 200, "versjon": 999}
        )
        fil = tmp_path / "falsk.json"
        fil.write_text(json.dumps(falsk))
        falsk_kontroll = json.loads(django_kall(miljo.miljo, "sjekk", str(fil)))
        logg = miljo.gunicorn.tekst()

    assert steg["feil"] == 0, (steg["feiltyper"], logg[-3000:])
    assert steg["serverfeil_5xx"] == 0 and steg["uten_svar"] == 0
    operasjoner = steg["per_operasjon"]
    for navn in ("sok API", "sok side", "tilbudside", "koordinator PATCH"):
        assert operasjoner.get(navn, {}).get("antall", 0) > 0, (navn, operasjoner)
    assert kontroll["tapte_oppdateringer"] == [], kontroll
    assert kontroll["tilbud_skrivinger_200"] > 0 and kontroll["henvisning_overganger"] > 0
    assert any("tapt" in avvik for avvik in falsk_kontroll["tapte_oppdateringer"])
