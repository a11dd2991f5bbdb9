"""Issue 15, findings 1 and 5: a wrong or malformed HENVISNING_NOKKEL never writes a referral
nobody can read (checked against the check value in the database: system check, /readyz, and
before anything is encrypted), an unreadable referral is a 503 and an ERROR line (never a 500),
key rotation end to end, and the health free text encrypted at rest."""

import logging
from datetime import date
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from henvisning import krypto
from henvisning.livssyklus import Avvisningsgrunn, Handling, Part
from henvisning.models import Foresporsel, Henvisning, Nokkelsjekk, Statusendring
from henvisning.services import (
    Vurdering,
    foresporsel_besvar,
    foresporsel_opprett,
    henvisning_opprett,
    henvisning_overgang,
)
from tests.henvisning.conftest import FNR, TEST_NOKKEL, komplett

pytestmark = pytest.mark.django_db
URL = "/api/v1/henvisninger/"
SPORSMAL = "Vurdering av arbeidsrettet rehabilitering."


@pytest.fixture(autouse=True)
def ny_kontroll():
    # Each test starts from its own database state: no key list is known to fit it yet.
    krypto.glem_kontroll()
    yield
    krypto.glem_kontroll()


@pytest.fixture
def katalog() -> None:
    # Transactional tests start from the database the one before left (flushed): the catalogue
    # the tilbud fixture needs is imported again when it is gone.
    from io import StringIO

    from tilbud.models import Organisasjon

    if not Organisasjon.objects.filter(kode="HN").exists():
        call_command("importer_katalog", stdout=StringIO())


def _med_foresporsel(sender, mottaker, tilbud) -> Henvisning:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    h = henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)
    f = foresporsel_opprett(
        henvisning=h, bruker=mottaker, part=Part.MOTTAKER, sporsmal="Hvilken behandling før?"
    )
    foresporsel_besvar(
        henvisning=h, foresporsel_id=f.pk, bruker=sender, part=Part.SENDER, svar="Fysioterapi."
    )
    return henvisning_overgang(
        henvisning=h,
        bruker=mottaker,
        part=Part.MOTTAKER,
        handling=Handling.AVVIS,
        vurdering=Vurdering(
            begrunnelse="Smerteproblematikken bør utredes først.",
            avvisningsgrunn=Avvisningsgrunn.UTENFOR_MALGRUPPE,
        ),
    )


def _raa(tabell: str, pk: int) -> str:
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM {tabell} WHERE id = %s", [pk])
        return " ".join(str(v) for v in c.fetchone())


# --------------------------------------------------------------------------- wrong key


def test_feil_nokkel_gir_503_og_lagrer_ingenting(api, sender, tilbud, settings, caplog) -> None:
    api.force_authenticate(sender)
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json")
    assert svar.status_code == 201, svar.json()
    gammel = svar.json()["id"]
    assert Nokkelsjekk.objects.count() == 1

    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()  # valid, but not the one
    with caplog.at_level(logging.ERROR, logger="henvisning.nokkelfeil"):
        svar = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json")
    assert svar.status_code == 503
    assert svar.json()["code"] == "nokkelfeil" and "krypteringsnøkkel" in svar.json()["detail"]
    assert "no-store" in svar["Cache-Control"]
    assert Henvisning.objects.count() == 1  # nothing written with the wrong key
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert settings.HENVISNING_NOKKEL not in caplog.text

    # The referral written with the right key is a 503 too, never a 500 …
    svar = api.get(f"{URL}{gammel}/")
    assert svar.status_code == 503 and svar.json()["code"] == "nokkelfeil"
    # … and readable again once the right key is back.
    settings.HENVISNING_NOKKEL = TEST_NOKKEL
    svar = api.get(f"{URL}{gammel}/")
    assert svar.status_code == 200 and svar.json()["sporsmal"] == SPORSMAL


def test_uleselig_henvisning_gir_stilet_503_side(client, sender, tilbud, settings, caplog) -> None:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    client.force_login(sender)
    with caplog.at_level(logging.ERROR, logger="henvisning.nokkelfeil"):
        svar = client.get(f"/henvisninger/{h.pk}/")
    assert svar.status_code == 503
    side = svar.content.decode()
    assert "<h1>Midlertidig utilgjengelig</h1>" in side and "krypteringsnøkkelen" in side
    assert FNR not in side and SPORSMAL not in side
    assert "kan ikke dekrypteres" in caplog.text


def test_skjemaet_med_feil_nokkel_gir_503_side_og_lagrer_ingenting(
    client, sender, tilbud, settings
) -> None:
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    client.force_login(sender)
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", {"navn": "Kari Utkast", "lagre": "1"})
    assert svar.status_code == 503 and "krypteringsnøkkelen" in svar.content.decode()
    assert Henvisning.objects.count() == 1


def test_ugyldig_nokkel_gir_503_ikke_500(api, sender, tilbud, settings) -> None:
    settings.HENVISNING_NOKKEL = "abc"
    api.force_authenticate(sender)
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json")
    assert svar.status_code == 503 and svar.json()["code"] == "nokkelfeil"
    assert not Henvisning.objects.exists()


def test_readyz_sjekker_nokkelen_mot_databasen(client, sender, tilbud, settings) -> None:
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    svar = client.get("/readyz")
    assert svar.status_code == 200, svar.json()
    assert svar.json()["sjekker"]["henvisningsnokkel"] == "ok"

    feil = Fernet.generate_key().decode()
    settings.HENVISNING_NOKKEL = feil
    svar = client.get("/readyz")
    assert svar.status_code == 503
    melding = svar.json()["sjekker"]["henvisningsnokkel"]
    assert melding.startswith("feil: HENVISNING_NOKKEL passer ikke til dataene")
    assert feil not in svar.content.decode() and TEST_NOKKEL not in svar.content.decode()

    settings.HENVISNING_NOKKEL = "abc"
    svar = client.get("/readyz")
    assert svar.status_code == 503
    assert "ikke en gyldig Fernet-nøkkel" in svar.json()["sjekker"]["henvisningsnokkel"]


def test_oppstartssjekken_nekter_feil_og_ugyldig_nokkel(sender, tilbud, settings) -> None:
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    call_command("check", databases=["default"])  # the right key passes

    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    with pytest.raises(SystemCheckError, match=r"henvisning.E002.*passer ikke til dataene"):
        call_command("check", databases=["default"])
    settings.HENVISNING_NOKKEL = "abc"
    with pytest.raises(SystemCheckError, match=r"henvisning.E001.*ikke en gyldig Fernet"):
        call_command("check")


def test_database_fra_for_kontrollverdien_sjekkes_mot_eksisterende_navn(
    sender, tilbud, settings
) -> None:
    """A database from before the check value: its first check is against a name already
    encrypted, so a wrong key cannot make the check value."""
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    Nokkelsjekk.objects.all().delete()
    krypto.glem_kontroll()
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    with pytest.raises(krypto.Nokkelfeil):
        krypto.kontroller_mot_databasen()
    assert not Nokkelsjekk.objects.exists()


def test_feil_hmac_nokkel_gir_503_og_lagrer_ingenting(
    api, client, sender, tilbud, settings
) -> None:
    """A wrong HMAC key would make every look-up by fødselsnummer silently find nothing, and
    give new referrals hashes nobody finds again: the same check value guards it."""
    api.force_authenticate(sender)
    assert api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json").status_code == 201
    settings.HENVISNING_HMAC_NOKKEL = "en-annen-hmac-nokkel-enn-den-dataene-er-laget-med"
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json")
    assert svar.status_code == 503 and svar.json()["code"] == "nokkelfeil"
    assert Henvisning.objects.count() == 1
    svar = client.get("/readyz")
    assert svar.status_code == 503
    assert svar.json()["sjekker"]["henvisningsnokkel"].startswith(
        "feil: HENVISNING_HMAC_NOKKEL passer ikke til dataene"
    )
    assert settings.HENVISNING_HMAC_NOKKEL not in svar.content.decode()


def test_hmac_nokkelen_sjekkes_mot_eksisterende_nokkelhash(sender, tilbud, settings) -> None:
    """A check value from before the HMAC check (migration 0004): the HMAC key is checked
    against a stored hash before its check hash is written."""
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    Nokkelsjekk.objects.update(hmac="")
    settings.HENVISNING_HMAC_NOKKEL = "en-annen-hmac-nokkel-enn-den-dataene-er-laget-med"
    with pytest.raises(krypto.Nokkelfeil, match="HENVISNING_HMAC_NOKKEL passer ikke"):
        krypto.kontroller_mot_databasen()
    assert Nokkelsjekk.objects.get().hmac == ""
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"
    assert krypto.kontroller_mot_databasen() == "ok"
    assert Nokkelsjekk.objects.get().hmac


# --------------------------------------------------------------------------- free text


def test_helsefritekst_er_kryptert_i_databasen(sender, mottaker, tilbud) -> None:
    h = _med_foresporsel(sender, mottaker, tilbud)
    rad = _raa("henvisning_henvisning", h.pk)
    for tekst in [SPORSMAL, "Lagerarbeider", "Leder er kjent", "NAV-veileder", "L86",
                  "Smerteproblematikken"]:  # fmt: skip
        assert tekst not in rad
    f = Foresporsel.objects.get(henvisning=h)
    assert "Hvilken behandling" not in _raa("henvisning_foresporsel", f.pk)
    assert "Fysioterapi" not in _raa("henvisning_foresporsel", f.pk)
    s = Statusendring.objects.get(henvisning=h, til_status="avvist")
    assert "Smerteproblematikken" not in _raa("henvisning_statusendring", s.pk)
    # … and read back as written.
    h = Henvisning.objects.get(pk=h.pk)
    assert h.sporsmal == SPORSMAL and [k["kode"] for k in h.diagnosekoder] == ["L86"]
    assert h.begrunnelse == s.begrunnelse == "Smerteproblematikken bør utredes først."
    assert (f.sporsmal, f.svar) == ("Hvilken behandling før?", "Fysioterapi.")
    # The anonymous statistical record stays plain for the summaries.
    assert h.diagnosegrupper and "diagnosegrupper" not in krypterte(Henvisning)


def krypterte(modell) -> list[str]:
    from henvisning.models import krypterte_kolonner

    return dict(krypterte_kolonner())[modell]


def test_datamigreringen_krypterer_eksisterende_fritekst_og_kan_reverseres(
    sender, mottaker, tilbud
) -> None:
    import importlib

    migrering = importlib.import_module("henvisning.migrations.0004_krypter_eksisterende_fritekst")
    h = _med_foresporsel(sender, mottaker, tilbud)
    editor = SimpleNamespace(connection=connection)
    migrering.dekrypter(None, editor)  # back to plain text, as before 0003
    rad = _raa("henvisning_henvisning", h.pk)
    assert SPORSMAL in rad and '"kode": "L86"' in rad.replace('"kode":"L86"', '"kode": "L86"')
    migrering.krypter(None, editor)
    assert SPORSMAL not in _raa("henvisning_henvisning", h.pk)
    migrering.krypter(None, editor)  # idempotent: nothing encrypted twice
    h = Henvisning.objects.get(pk=h.pk)
    assert h.sporsmal == SPORSMAL and h.diagnosekoder[0]["kode"] == "L86"
    assert Foresporsel.objects.get(henvisning=h).svar == "Fysioterapi."


# --------------------------------------------------------------------------- rotation


def test_nokkelrotasjon_fra_ende_til_ende(sender, mottaker, tilbud, settings) -> None:
    a, b = TEST_NOKKEL, Fernet.generate_key().decode()
    h = _med_foresporsel(sender, mottaker, tilbud)
    h2 = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett(navn="Kari Test"))

    settings.HENVISNING_NOKKEL = f"{b},{a}"  # newest first
    ut = _kjor_rotasjon(parti=1)
    assert "henvisning_henvisning: 1/2 rader" in ut and "henvisning_henvisning: 2/2 rader" in ut
    assert "Ferdig: " in ut and "0 verdier kryptert på nytt" not in ut
    # Again: nothing left to do (a stopped run is finished by running it again).
    assert "Ferdig: 0 verdier kryptert på nytt" in _kjor_rotasjon()

    settings.HENVISNING_NOKKEL = b  # the old key is gone
    call_command("check", databases=["default"])
    h = Henvisning.objects.get(pk=h.pk)
    assert (h.fodselsnummer, h.navn, h.sporsmal) == (FNR, "Ola Testpasient", SPORSMAL)
    assert h.begrunnelse == "Smerteproblematikken bør utredes først."
    assert Henvisning.objects.get(pk=h2.pk).navn == "Kari Test"
    assert Foresporsel.objects.get(henvisning=h).svar == "Fysioterapi."
    assert all(s.begrunnelse is not None for s in Statusendring.objects.all())
    assert date(2026, 1, 5) == h.sykmeldt_fra
    settings.HENVISNING_NOKKEL = a  # and the old key alone no longer fits
    with pytest.raises(krypto.Nokkelfeil):
        krypto.kontroller_mot_databasen()


def test_rotasjon_stopper_ved_uleselige_verdier(sender, tilbud, settings) -> None:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    fremmed = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    Henvisning.objects.filter(pk=h.pk).update(navn_kryptert=fremmed)
    settings.HENVISNING_NOKKEL = f"{Fernet.generate_key().decode()},{TEST_NOKKEL}"
    with pytest.raises(CommandError, match=rf"1 verdier kan ikke dekrypteres.*id {h.pk}"):
        _kjor_rotasjon()
    # The check value keeps the old key: dropping it now would be refused.
    assert not krypto.krypteres_med_nyeste(Nokkelsjekk.objects.get().token)


def test_rotasjon_med_feil_nokkel_gjor_ingenting(sender, tilbud, settings) -> None:
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="passer ikke til dataene"):
        _kjor_rotasjon()


def _kjor_rotasjon(**valg) -> str:
    from io import StringIO

    ut = StringIO()
    call_command("roter_henvisningsnokkel", stdout=ut, **valg)
    return ut.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migreringene_fram_og_tilbake_med_data(katalog, sender, mottaker, tilbud) -> None:
    """0003/0004 on the real schema (jsonb → text on PostgreSQL): back to plain text and a JSON
    column, then forward to encrypted again, with the data intact both ways."""
    from django.db.migrations.executor import MigrationExecutor

    h = _med_foresporsel(sender, mottaker, tilbud)
    f_id = Foresporsel.objects.get().pk
    siste = MigrationExecutor(connection).loader.graph.leaf_nodes("henvisning")
    executor = MigrationExecutor(connection)
    executor.migrate([("henvisning", "0002_sjekkliste")])
    rad = _raa("henvisning_henvisning", h.pk)
    assert SPORSMAL in rad and "L86" in rad
    assert "Fysioterapi." in _raa("henvisning_foresporsel", f_id)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(siste)
    assert SPORSMAL not in _raa("henvisning_henvisning", h.pk)
    h = Henvisning.objects.get(pk=h.pk)
    assert h.sporsmal == SPORSMAL and h.diagnosekoder[0]["kode"] == "L86"
    assert Foresporsel.objects.get().svar == "Fysioterapi."


@pytest.mark.django_db(transaction=True)
def test_oppstartssjekken_venter_pa_ventende_migreringer(katalog, sender, tilbud, settings) -> None:
    """`migrate` runs the checks before it migrates: an upgrade whose migrations change the
    check table must not fail on the old table."""
    from django.db.migrations.executor import MigrationExecutor

    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    siste = MigrationExecutor(connection).loader.graph.leaf_nodes("henvisning")
    MigrationExecutor(connection).migrate([("henvisning", "0004_krypter_eksisterende_fritekst")])
    krypto.glem_kontroll()
    try:
        call_command("check", databases=["default"])
    finally:
        MigrationExecutor(connection).migrate(siste)
    call_command("check", databases=["default"])
    assert Nokkelsjekk.objects.get().hmac


def test_lister_og_sletting_dekrypterer_ikke_helseteksten(
    api, sender, mottaker, tilbud, settings
) -> None:
    """One unreadable referral does not take the inbox down, and removing personal data needs no
    key (the encrypted fields are emptied, not read)."""
    from henvisning.services import personopplysninger_slett

    h = _med_foresporsel(sender, mottaker, tilbud)
    fremmed = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    with connection.cursor() as c:
        c.execute("UPDATE henvisning_henvisning SET sporsmal = %s WHERE id = %s", [fremmed, h.pk])
    api.force_authenticate(mottaker)
    svar = api.get(URL, {"rolle": "innboks"})
    assert svar.status_code == 200 and [r["id"] for r in svar.json()["results"]] == [h.pk]
    assert api.get(f"{URL}{h.pk}/").status_code == 503  # its own page is the alarm

    h = personopplysninger_slett(henvisning=h)
    rad = _raa("henvisning_henvisning", h.pk)
    assert fremmed not in rad
    h = Henvisning.objects.get(pk=h.pk)
    assert (h.sporsmal, h.diagnosekoder, h.begrunnelse, h.navn) == ("", [], "", "")


def test_admin_viser_aldri_kontrollverdien(client, sender, tilbud, django_user_model) -> None:
    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    rad = Nokkelsjekk.objects.get()
    client.force_login(django_user_model.objects.create_superuser("drift", "d@example.no", "x"))
    for url in [
        "/admin/henvisning/nokkelsjekk/",
        f"/admin/henvisning/nokkelsjekk/{rad.pk}/change/",
    ]:
        svar = client.get(url)
        assert svar.status_code == 200
        tekst = svar.content.decode()
        assert rad.token[:24] not in tekst and rad.hmac not in tekst


@pytest.mark.parametrize(("app", "sjekkes"), [("tilbud", True), ("henvisning", False)])
def test_oppstartssjekken_hoppes_bare_over_for_egne_ventende_migreringer(
    sender, tilbud, settings, monkeypatch, app: str, sjekkes: bool
) -> None:
    """A deploy with another app's migration pending must still be refused with a wrong key."""
    from henvisning import checks

    henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())

    class Utforer:
        def __init__(self, *args) -> None:
            self.loader = SimpleNamespace(graph=SimpleNamespace(leaf_nodes=lambda: []))

        def migration_plan(self, maal):
            return [(SimpleNamespace(app_label=app), False)]

    monkeypatch.setattr(checks, "MigrationExecutor", Utforer)
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    feil = checks.henvisningsnokkel(databases=["default"])
    assert [f.id for f in feil] == (["henvisning.E002"] if sjekkes else [])


def test_kontrollverdi_laget_samtidig_med_en_annen_nokkel_nektes(monkeypatch, db) -> None:
    """Two processes start at once with different keys: the one that loses the race to write
    the check value must still be checked against it."""
    annen = Fernet(Fernet.generate_key())

    def den_andre_prosessen_rakk_det(mf) -> bool:
        Nokkelsjekk.objects.create(pk=1, token=annen.encrypt(krypto.SJEKKVERDI).decode())
        return True

    monkeypatch.setattr(krypto, "_hmac_passer_til_dataene", den_andre_prosessen_rakk_det)
    with pytest.raises(krypto.Nokkelfeil, match="HENVISNING_NOKKEL passer ikke"):
        krypto.kontroller_mot_databasen()
