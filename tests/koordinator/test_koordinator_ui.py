"""Issue 13, «Coordinators»: one rule for «apply directly or propose», «Lagre og bekreft», bulk
«Bekreft uendret» on «Mine tilbud», the way between a tilbud and its open «Meld feil» reports,
and the coordinator's user name never public."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tilbud.models import Endringsforslag, Feilmelding, Rolle, Tilbud
from tilbud.services import redigering

from .conftest import klient, lag_bruker
from .test_api_skriving import nytt_tilbud
from .test_redigering import rediger_url, skjemadata

GAMMEL = timezone.localdate().replace(year=2020)


def _gammel(tilbud: Tilbud) -> Tilbud:
    Tilbud.objects.filter(pk=tilbud.pk).update(sist_bekreftet=GAMMEL, bekreftet_av="Import")
    tilbud.refresh_from_db()
    return tilbud


# --- One rule: apply directly or make a proposal ---------------------------------------------


@pytest.mark.django_db
def test_one_service_applies_for_the_coordinator_and_proposes_for_the_editor(bodo) -> None:
    koordinator = lag_bruker("koordinator_hn")
    lagret = redigering.tilbud_endre(
        bruker=koordinator, tilbud=bodo, versjon=bodo.versjon, endringer={"kontakt": "75 00 00 01"}
    )
    assert isinstance(lagret, Tilbud) and lagret.kontakt == "75 00 00 01"

    redaktor = lag_bruker("redaktor_nordland")
    forslag = redigering.tilbud_endre(
        bruker=redaktor, tilbud=lagret, versjon=lagret.versjon, endringer={"kontakt": "9"}
    )
    assert isinstance(forslag, Endringsforslag)
    assert Tilbud.objects.get(pk=bodo.pk).kontakt == "75 00 00 01"  # not applied yet

    # Confirming is the coordinator's call, and a stranger may do neither.
    with pytest.raises(PermissionDenied):
        redigering.tilbud_endre(
            bruker=redaktor, tilbud=lagret, versjon=lagret.versjon, endringer={}, bekreft=True
        )
    with pytest.raises(PermissionDenied):
        redigering.tilbud_endre(
            bruker=lag_bruker("koordinator_hv"),
            tilbud=lagret,
            versjon=lagret.versjon,
            endringer={"kontakt": "1"},
        )


# --- «Lagre og bekreft» --------------------------------------------------------------------------


@pytest.mark.django_db
def test_save_and_confirm_is_one_step(bodo, koordinator_hn) -> None:
    bodo = _gammel(bodo)
    c = klient(koordinator_hn)
    side = c.get(rediger_url(bodo))
    assert "Lagre og bekreft" in side.content.decode()
    data = skjemadata(side, ventetid_tekst="Om lag to uker", lagre_og_bekreft="1")
    svar = c.post(rediger_url(bodo), data, follow=True)
    assert svar.status_code == 200
    assert "Endringene er lagret, og opplysningene er bekreftet i dag" in svar.content.decode()
    naa = Tilbud.objects.get(pk=bodo.pk)
    assert naa.ventetid_tekst == "Om lag to uker"
    assert naa.sist_bekreftet == timezone.localdate()
    assert naa.bekreftet_av == "RHF-koordinator, Helse Nord"
    assert naa.versjon == bodo.versjon + 1  # one change, one new version
    if settings.HISTORIKK_AKTIV:
        siste = redigering.Tilbud.pgh_event_model.objects.filter(pgh_obj_id=bodo.pk)
        hendelse = siste.select_related("pgh_context").order_by("-pgh_id").first()
        assert hendelse.versjon == naa.versjon
        assert "Opplysningene bekreftet" in hendelse.pgh_context.metadata["grunn"]


@pytest.mark.django_db
def test_save_and_confirm_without_changes_confirms(bodo, koordinator_hn) -> None:
    bodo = _gammel(bodo)
    c = klient(koordinator_hn)
    data = skjemadata(c.get(rediger_url(bodo)), lagre_og_bekreft="1")
    svar = c.post(rediger_url(bodo), data, follow=True)
    assert "Opplysningene er bekreftet i dag" in svar.content.decode()
    assert Tilbud.objects.get(pk=bodo.pk).sist_bekreftet == timezone.localdate()
    # The plain «Lagre endringene» without changes confirms nothing.
    _gammel(bodo)
    data = skjemadata(c.get(rediger_url(bodo)))
    c.post(rediger_url(bodo), data)
    assert Tilbud.objects.get(pk=bodo.pk).sist_bekreftet == GAMMEL


@pytest.mark.django_db
def test_editor_gets_no_save_and_confirm(bodo) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    c = klient(redaktor)
    side = c.get(rediger_url(bodo))
    assert "Lagre og bekreft" not in side.content.decode()
    # Sent anyway: refused, nothing stored, no proposal.
    data = skjemadata(side, kontakt="12", lagre_og_bekreft="1")
    assert c.post(rediger_url(bodo), data).status_code == 403
    assert not Endringsforslag.objects.filter(tilbud=bodo).exists()


# --- Bulk «Bekreft uendret» --------------------------------------------------------------------

BEKREFT_FLERE = "/koordinator/tilbud/bekreft/"


def _hn_tilbud(antall: int) -> list[Tilbud]:
    return [
        _gammel(t)
        for t in Tilbud.objects.filter(rhf__kode="HN")
        .exclude(status=Tilbud.Status.AVSLUTTET)
        .order_by("pk")[:antall]
    ]


@pytest.mark.django_db
def test_bulk_confirm_from_my_list(koordinator_hn, django_assert_max_num_queries) -> None:
    valgt = _hn_tilbud(4)
    c = klient(koordinator_hn)
    liste = c.get("/koordinator/?ikke_bekreftet=1").content.decode()
    assert "Bekreft uendret" in liste
    assert f'name="tilbud" value="{valgt[0].pk}"' in liste
    # Constant queries however many are selected (session, user, roles, select, updates …).
    with django_assert_max_num_queries(12):
        svar = c.post(BEKREFT_FLERE, {"tilbud": [t.pk for t in valgt[:3]], "ikke_bekreftet": "1"})
    assert svar.status_code == 302 and svar["Location"] == "/koordinator/?ikke_bekreftet=1"
    for t in valgt[:3]:
        naa = Tilbud.objects.get(pk=t.pk)
        assert naa.sist_bekreftet == timezone.localdate()
        assert naa.bekreftet_av == "RHF-koordinator, Helse Nord"
        assert naa.versjon == t.versjon + 1
    assert Tilbud.objects.get(pk=valgt[3].pk).sist_bekreftet == GAMMEL  # not selected
    assert "3 tilbud er bekreftet uendret i dag." in c.get(svar["Location"]).content.decode()
    if settings.HISTORIKK_AKTIV:
        for t in valgt[:3]:
            hendelse = (
                Tilbud.pgh_event_model.objects.filter(pgh_obj_id=t.pk)
                .select_related("pgh_context")
                .order_by("-pgh_id")
                .first()
            )
            assert hendelse.sist_bekreftet == timezone.localdate()
            assert hendelse.pgh_context.metadata["grunn"] == redigering.BEKREFTET_UENDRET
            assert hendelse.pgh_context.metadata["bruker"] == koordinator_hn.get_full_name()


@pytest.mark.django_db
def test_bulk_confirm_refuses_other_regions_and_confirms_nothing(koordinator_hn, forde) -> None:
    egen = _hn_tilbud(1)[0]
    forde = _gammel(forde)
    c = klient(koordinator_hn)
    svar = c.post(BEKREFT_FLERE, {"tilbud": [egen.pk, forde.pk, 99_999_999]}, follow=True)
    tekst = svar.content.decode()
    assert "Ingenting er bekreftet" in tekst
    assert f"«{forde.navn}»" in tekst and "nr. 99999999" in tekst
    assert Tilbud.objects.get(pk=egen.pk).sist_bekreftet == GAMMEL
    assert Tilbud.objects.get(pk=forde.pk).sist_bekreftet == GAMMEL
    # Nothing selected, or garbage: a message, never a 500.
    assert "Velg minst ett tilbud" in c.post(BEKREFT_FLERE, {}, follow=True).content.decode()
    feil = c.post(BEKREFT_FLERE, {"tilbud": ["x"]}, follow=True).content.decode()
    assert "Ugyldig utvalg" in feil


@pytest.mark.django_db
def test_editor_has_no_bulk_confirm(bodo) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    c = klient(redaktor)
    assert "Bekreft uendret" not in c.get("/koordinator/").content.decode()
    assert c.post(BEKREFT_FLERE, {"tilbud": [bodo.pk]}).status_code == 403


# --- From a tilbud to its open «Meld feil» reports and back ----------------------------------


@pytest.mark.django_db
def test_edit_page_links_to_its_open_reports_and_back(bodo, forde, koordinator_hn) -> None:
    apen = Feilmelding.objects.create(tilbud=bodo, felt="kontakt", beskrivelse="Feil telefon")
    Feilmelding.objects.create(
        tilbud=bodo,
        felt="sted",
        beskrivelse="Flyttet",
        status="lost",
        lost_av=koordinator_hn,
        lost_tidspunkt=timezone.now(),
        lost_notat="Rettet",
    )
    annen = Tilbud.objects.filter(rhf__kode="HN").exclude(pk=bodo.pk).first()
    Feilmelding.objects.create(tilbud=annen, felt="ventetid", beskrivelse="Annet tilbud")
    c = klient(koordinator_hn)
    side = c.get(rediger_url(bodo)).content.decode()
    lenke = f"/koordinator/feilmeldinger/?tilbud={bodo.pk}"
    assert f'href="{lenke}"' in side and "1 åpen feilmelding fra fastleger" in side

    liste = c.get(lenke).content.decode()
    assert "Feil telefon" in liste
    assert "Annet tilbud" not in liste and "Flyttet" not in liste
    assert f"Åpne feilmeldinger for {bodo.navn}" in liste

    melding = c.get(f"/koordinator/feilmeldinger/{apen.pk}/").content.decode()
    assert f'href="{rediger_url(bodo)}"' in melding and "Rett opplysningene i tilbudet" in melding

    # Another region's tilbud is not there (404), bad input is a 400.
    assert c.get(f"/koordinator/feilmeldinger/?tilbud={forde.pk}").status_code == 404
    assert c.get("/koordinator/feilmeldinger/?tilbud=abc").status_code == 400


@pytest.mark.django_db
def test_edit_page_without_reports_says_so(bodo, koordinator_hn) -> None:
    side = klient(koordinator_hn).get(rediger_url(bodo)).content.decode()
    assert "Ingen åpne feilmeldinger." in side
    assert "/koordinator/feilmeldinger/?tilbud=" not in side


# --- The coordinator's user name is never public -----------------------------------------------

BRUKERNAVN = "zqx-koordinator-7731"
FULLT_NAVN = ("Zyxaline", "Qvartsberg")


def _offentlige_svar(tilbud: Tilbud) -> dict[str, str]:
    """Every public page and anonymous API answer that shows this tilbud."""
    anonym = klient()
    api = APIClient()
    sider = {
        "tilbudsside": anonym.get(reverse("tilbud-detalj", kwargs={"pk": tilbud.pk})),
        "søkeside": anonym.get("/", {"q": tilbud.navn[:20]}),
        "api-søk": api.get("/api/v1/tilbud/", {"q": tilbud.navn[:20]}),
        "api-tilbud": api.get(f"/api/v1/tilbud/{tilbud.pk}/"),
        "api-organisasjon": api.get(f"/api/v1/organisasjoner/{tilbud.organisasjon_id}/"),
        "api-historikk": api.get(f"/api/v1/tilbud/{tilbud.pk}/historikk/"),
        "synk": api.get("/api/v1/synk/tilbud/", {"format": "json"}),
        "hsds": api.get("/api/v1/eksport/hsds/"),
        "fhir": api.get("/api/v1/eksport/fhir/"),
    }
    ut = {}
    for navn, svar in sider.items():
        innhold = (b"".join(svar.streaming_content) if svar.streaming else svar.content).decode()
        ut[navn] = f"{svar.status_code} {innhold}"
    return ut


@pytest.mark.django_db
def test_coordinator_user_name_never_public(bodo) -> None:
    koordinator = lag_bruker("koordinator_hn")
    koordinator.username = BRUKERNAVN
    koordinator.first_name, koordinator.last_name = FULLT_NAVN
    koordinator.save()
    c = klient(koordinator)
    # Confirm, save and confirm, and register a new tilbud: every write that stores «by whom».
    c.post(reverse("koordinator:tilbud-bekreft", kwargs={"pk": bodo.pk}), {"versjon": bodo.versjon})
    data = skjemadata(c.get(rediger_url(bodo)), kontakt="75 11 22 33", lagre_og_bekreft="1")
    assert c.post(rediger_url(bodo), data).status_code == 302
    api = APIClient()
    api.force_authenticate(koordinator)
    ny = api.post("/api/v1/tilbud/", nytt_tilbud(navn="Zqx-testtilbud for arbeid"), format="json")
    assert ny.status_code == 201, ny.content
    nytt = Tilbud.objects.get(pk=ny.json()["id"])
    assert Tilbud.objects.get(pk=bodo.pk).bekreftet_av == "RHF-koordinator, Helse Nord"
    assert nytt.kilde == "Registrert i portalen av RHF-koordinator, Helse Nord"

    for tilbud in (bodo, nytt):
        svar = _offentlige_svar(tilbud)
        assert (
            svar["tilbudsside"].startswith("200")
            and "RHF-koordinator, Helse Nord" in (svar["tilbudsside"])
        )
        assert json.loads(svar["api-tilbud"][4:])["bekreftet_av"] == "RHF-koordinator, Helse Nord"
        for navn, innhold in svar.items():
            for ord_ in (BRUKERNAVN, *FULLT_NAVN):
                assert ord_ not in innhold, f"{ord_} i {navn}"
    # The coordinators' own history still says who did it.
    if settings.HISTORIKK_AKTIV:
        historikk = c.get(rediger_url(bodo)).content.decode()
        assert FULLT_NAVN[0] in historikk


@pytest.mark.django_db
def test_administrator_is_named_by_role(bodo) -> None:
    admin = lag_bruker("administrator")
    assert Rolle.objects.filter(bruker=admin).exists()
    redigering.tilbud_bekreft(bruker=admin, tilbud_id=bodo.pk, versjon=bodo.versjon)
    naa = Tilbud.objects.get(pk=bodo.pk)
    assert naa.bekreftet_av == redigering.ROLLE_ADMINISTRATOR
    assert admin.username not in naa.bekreftet_av


@pytest.mark.django_db
def test_migration_rewrites_user_names_stored_before(bodo, forde) -> None:
    """Migration 0013: names stored by the portal before become role and region; the import's
    source text stays."""
    import importlib

    from django.apps import apps

    migrering = importlib.import_module("tilbud.migrations.0013_bekreftet_av_uten_brukernavn")
    Tilbud.objects.filter(pk=bodo.pk).update(
        bekreftet_av="Kari Nordmann", kilde="Registrert i portalen av kari.nordmann"
    )
    importert = Tilbud.objects.get(pk=forde.pk)
    migrering.fjern_brukernavn(apps, None)
    bodo.refresh_from_db()
    assert bodo.bekreftet_av == "RHF-koordinator, Helse Nord"
    assert bodo.kilde == "Registrert i portalen av RHF-koordinator, Helse Nord"
    forde.refresh_from_db()
    assert (forde.bekreftet_av, forde.kilde) == (importert.bekreftet_av, importert.kilde)
    assert forde.bekreftet_av.startswith("Evalueringsrapport")
