"""Django admin works for every registry model (coordinators' fallback tool)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    bruker = get_user_model().objects.create_superuser("admin", "admin@example.no", "passord")
    client = Client()
    client.force_login(bruker)
    return client


def test_every_tilbud_model_is_registered() -> None:
    from django.apps import apps

    # Unmanaged models are derived tables kept by the database (the search table), and the
    # catalogue version is a single row only the keeper's triggers write: not edited.
    from tilbud.models import Katalogversjon

    modeller = {
        m
        for m in apps.get_app_config("tilbud").get_models()
        if m._meta.managed and m is not Katalogversjon
    }
    registrerte = {m for m in admin.site._registry if m._meta.app_label == "tilbud"}
    assert modeller == registrerte


@pytest.mark.parametrize(
    "modell",
    [m for m in admin.site._registry if m._meta.app_label == "tilbud"],
    ids=lambda m: m._meta.model_name,
)
def test_changelist_and_search_open(admin_client_: Client, modell: type) -> None:
    url = reverse(f"admin:tilbud_{modell._meta.model_name}_changelist")
    assert admin_client_.get(url).status_code == 200
    assert admin_client_.get(url, {"q": "Bodø"}).status_code == 200


def test_tilbud_change_page_opens(admin_client_: Client) -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_4_3_1")
    url = reverse("admin:tilbud_tilbud_change", args=[tilbud.pk])
    svar = admin_client_.get(url)
    assert svar.status_code == 200
    assert "HelseIArbeid-senteret (Bodø)" in svar.content.decode()


def test_anonymous_users_are_sent_to_login(client: Client) -> None:
    svar = client.get(reverse("admin:tilbud_tilbud_changelist"))
    assert svar.status_code == 302 and "/admin/login/" in svar["Location"]


# --- Henvisning: read-only, and never personal data -------------------------------------------

# Shown inline on a referral (without their free text), not as pages of their own.
HENVISNING_BARE_INLINE = {"statusendring", "foresporsel"}


def test_every_henvisning_model_is_registered_or_inline() -> None:
    from django.apps import apps

    modeller = {m._meta.model_name for m in apps.get_app_config("henvisning").get_models()}
    registrerte = {
        m._meta.model_name for m in admin.site._registry if m._meta.app_label == "henvisning"
    }
    assert modeller == registrerte | HENVISNING_BARE_INLINE


@pytest.mark.parametrize(
    "modell",
    [m for m in admin.site._registry if m._meta.app_label == "henvisning"],
    ids=lambda m: m._meta.model_name,
)
def test_henvisning_changelist_and_search_open(admin_client_: Client, modell: type) -> None:
    url = reverse(f"admin:henvisning_{modell._meta.model_name}_changelist")
    assert admin_client_.get(url).status_code == 200
    assert admin_client_.get(url, {"q": "Bodø"}).status_code == 200
    assert admin_client_.get(url, {"q": "1"}).status_code == 200


def test_henvisning_admin_is_read_only_and_shows_no_personal_data(admin_client_: Client) -> None:
    from henvisning.livssyklus import Handling, Part
    from henvisning.models import Foresporsel, Sjekkliste, Tilgangslogg
    from henvisning.services import Vurdering, henvisning_opprett, henvisning_overgang
    from tests.factories import TilbudFactory, bruker_med_rolle

    fnr = "15108695088"
    tilbud = TilbudFactory(navn="Admintilbud")
    sender = bruker_med_rolle("henviser", henvisertype="fastlege")
    data = {
        "fodselsnummer": fnr,
        "navn": "Ola Adminpasient",
        "diagnosekoder": ["L86"],
        "sporsmal": "Hemmelig helseopplysning",
        "sykmeldt": False,
        "samtykke": True,
    }
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=data)
    h = henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)
    Foresporsel.objects.create(henvisning=h, sporsmal="Hemmelig spørsmål", spurt_av=sender)
    henvisning_overgang(
        henvisning=h,
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.TREKK,
        vurdering=Vurdering(begrunnelse="Hemmelig grunn"),
    )
    Tilgangslogg.objects.create(henvisning=h, bruker=sender, rolle="sender", handling="les")
    h.refresh_from_db()
    sider = [
        reverse("admin:henvisning_henvisning_changelist"),
        reverse("admin:henvisning_henvisning_changelist") + f"?q={h.pk}",
        reverse("admin:henvisning_henvisning_change", args=[h.pk]),
        reverse("admin:henvisning_tilgangslogg_changelist"),
        reverse(
            "admin:henvisning_tilgangslogg_change", args=[Tilgangslogg.objects.get(henvisning=h).pk]
        ),
    ]
    hemmelig = [fnr, "Ola Adminpasient", "Hemmelig", h.fodselsnummer_hash, h.navn_kryptert[:24]]
    for url in sider:
        svar = admin_client_.get(url)
        assert svar.status_code == 200, url
        tekst = svar.content.decode()
        assert [t for t in hemmelig if t in tekst] == [], url
    assert f"Henvisning {h.pk} (trukket)" in admin_client_.get(sider[1]).content.decode()
    # Referrals change only through the lifecycle; the access log is never edited.
    for navn in ("henvisning", "tilgangslogg"):
        assert admin_client_.get(reverse(f"admin:henvisning_{navn}_add")).status_code == 403
    assert (
        admin_client_.post(reverse("admin:henvisning_henvisning_delete", args=[h.pk])).status_code
        == 403
    )

    # The checklists are edited here too, one point per line, with the model's limits.
    url = reverse("admin:henvisning_sjekkliste_add")
    svar = admin_client_.post(url, {"tilbud": tilbud.pk, "punkter_tekst": "A\n\n B \nA"})
    assert svar.status_code == 302
    sjekkliste = Sjekkliste.objects.get(tilbud=tilbud)
    assert sjekkliste.punkter == ["A", "B"] and sjekkliste.endret_av.username == "admin"
    url = reverse("admin:henvisning_sjekkliste_change", args=[sjekkliste.pk])
    assert "A\nB</textarea>" in admin_client_.get(url).content.decode()
    svar = admin_client_.post(
        url, {"tilbud": tilbud.pk, "punkter_tekst": "\n".join(str(i) for i in range(21))}
    )
    assert svar.status_code == 200 and "Høyst 20 punkter" in svar.content.decode()
