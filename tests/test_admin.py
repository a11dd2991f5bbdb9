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

    modeller = set(apps.get_app_config("tilbud").get_models())
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
