"""The admin answers to the same access checks as the coordinator area and the API
(tilbud.tilgang): a staff coordinator of Helse Nord sees Helse Nord's tilbud, organisations,
sites, proposals and error reports; another region's open as if they did not exist; choices are
limited to the region; tilbud are never deleted. Superusers and administrators see everything."""

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tilbud import tilgang
from tilbud.models import Organisasjon, Tilbud

from .conftest import MANGLER, klient, lag_bruker

MODELLER = ["tilbud", "organisasjon", "lokasjon", "endringsforslag", "feilmelding"]


def stab(rolle: str, *, modeller: list[str] = MODELLER, endre: bool = True) -> Any:
    """A user in `rolle` given admin access: staff, with the model permissions an administrator
    would grant (view, change, add, delete)."""
    bruker = lag_bruker(rolle)
    bruker.is_staff = True
    bruker.save()
    handlinger = ["view", "change", "add", "delete"] if endre else ["view"]
    bruker.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="tilbud",
            codename__in=[f"{h}_{m}" for h in handlinger for m in modeller],
        )
    )
    return bruker


def hso_tilbud() -> Tilbud:
    return Tilbud.objects.filter(rhf__kode="HSO").order_by("pk").first()


def url(modell: str, side: str, *args: Any) -> str:
    return reverse(f"admin:tilbud_{modell}_{side}", args=args)


def finnes_ikke(c: Client, adresse: str, metode: str = "get") -> str:
    """The admin's answer for an object that does not exist: back to the index with a message.
    Returns the message."""
    svar = getattr(c, metode)(adresse)
    assert svar.status_code == 302, (adresse, svar.status_code)
    assert svar["Location"] == reverse("admin:index")
    # The newest message (the test does not follow the redirects that would show the others).
    meldinger = [str(m) for m in get_messages(svar.wsgi_request)]
    assert meldinger and "eksisterer ikke" in meldinger[-1], meldinger
    return meldinger[-1]


@pytest.mark.django_db
def test_staff_coordinator_sees_own_region_and_nothing_else(bodo) -> None:
    c = klient(stab("koordinator_hn"))
    liste = c.get(url("tilbud", "changelist"))
    assert liste.status_code == 200
    synlige = list(liste.context["cl"].queryset)
    assert bodo in synlige and {t.rhf.kode for t in synlige} == {"HN"}
    assert len(synlige) == Tilbud.objects.filter(rhf__kode="HN").count()
    assert hso_tilbud().navn not in liste.content.decode()

    # Another region's tilbud answers exactly like a missing one, for every page of it.
    annen = hso_tilbud()
    for side in ("change", "history"):
        melding = finnes_ikke(c, url("tilbud", side, annen.pk))
        assert melding == finnes_ikke(c, url("tilbud", side, MANGLER)).replace(
            str(MANGLER), str(annen.pk)
        )
    finnes_ikke(c, url("tilbud", "change", annen.pk), "post")
    # Deleting a tilbud is refused before any look-up: the same 403 for every id.
    assert c.get(url("tilbud", "delete", annen.pk)).status_code == 403
    assert c.get(url("tilbud", "delete", MANGLER)).status_code == 403
    annen_for = Tilbud.objects.get(pk=annen.pk)
    assert (annen_for.versjon, annen_for.navn) == (annen.versjon, annen.navn)


@pytest.mark.django_db
def test_staff_coordinator_edits_own_tilbud_within_the_region_only(bodo) -> None:
    c = klient(stab("koordinator_hn"))
    side = c.get(url("tilbud", "change", bodo.pk))
    assert side.status_code == 200
    form = side.context["adminform"].form
    # The region and providers to choose from are the coordinator's own.
    assert list(form.fields["rhf"].queryset) == [Organisasjon.objects.get(kode="HN")]
    regionens = tilgang.organisasjoner_til_koordinering(side.wsgi_request.user)
    assert set(form.fields["organisasjon"].queryset) == set(regionens)
    assert not form.fields["lokasjoner"].queryset.exclude(organisasjon__in=regionens).exists()
    # Nothing is ever deleted: not even the region's own tilbud.
    assert c.get(url("tilbud", "delete", bodo.pk)).status_code == 403
    assert c.post(url("tilbud", "delete", bodo.pk), {"post": "yes"}).status_code == 403
    assert Tilbud.objects.filter(pk=bodo.pk).exists()


@pytest.mark.django_db
def test_superuser_sees_everything_but_deletes_no_tilbud(bodo) -> None:
    from django.contrib.auth import get_user_model

    c = klient(get_user_model().objects.create_superuser("su", "su@example.no", "passord-123"))
    liste = c.get(url("tilbud", "changelist"))
    assert liste.context["cl"].queryset.count() == Tilbud.objects.count()
    assert c.get(url("tilbud", "change", hso_tilbud().pk)).status_code == 200
    assert c.get(url("tilbud", "delete", bodo.pk)).status_code == 403


@pytest.mark.django_db
def test_administrator_role_sees_everything() -> None:
    c = klient(stab("administrator"))
    assert c.get(url("tilbud", "changelist")).context["cl"].queryset.count() == (
        Tilbud.objects.count()
    )
    side = c.get(url("tilbud", "change", hso_tilbud().pk))
    assert side.status_code == 200 and side.context["has_change_permission"]


@pytest.mark.django_db
def test_staff_editor_sees_own_organisations_tilbud_read_only(bodo) -> None:
    c = klient(stab("redaktor_nordland"))
    synlige = list(c.get(url("tilbud", "changelist")).context["cl"].queryset)
    assert synlige and {t.organisasjon.navn for t in synlige} == {"Nordlandssykehuset"}
    side = c.get(url("tilbud", "change", bodo.pk))
    # Changes from a tilbudsredaktør are proposals (four eyes): the admin only shows the entry.
    assert side.status_code == 200 and not side.context["has_change_permission"]
    navn_for = bodo.navn
    c.post(url("tilbud", "change", bodo.pk), {"navn": "Endret i admin"})
    bodo.refresh_from_db()
    assert bodo.navn == navn_for
    finnes_ikke(c, url("tilbud", "change", hso_tilbud().pk))


@pytest.mark.django_db
def test_organisations_sites_proposals_and_reports_are_scoped(objekter) -> None:
    c = klient(stab("koordinator_hn"))
    bruker = c.get(url("organisasjon", "changelist")).wsgi_request.user
    omfang = {
        "organisasjon": tilgang.organisasjoner_i_omfang(bruker),
        "lokasjon": tilgang.lokasjoner_i_omfang(bruker),
        "endringsforslag": tilgang.forslag_i_omfang(bruker),
        "feilmelding": tilgang.feilmeldinger_i_omfang(bruker),
    }
    objekt = {
        "organisasjon": "organisasjon",
        "lokasjon": "lokasjon",
        "endringsforslag": "forslag",
        "feilmelding": "feilmelding",
    }
    for modell, qs in omfang.items():
        liste = c.get(url(modell, "changelist"))
        assert liste.status_code == 200, modell
        assert set(liste.context["cl"].queryset) == set(qs), modell
        egen, annen = objekter[objekt[modell]]["egen"], objekter[objekt[modell]]["annen"]
        assert c.get(url(modell, "change", egen)).status_code == 200, modell
        finnes_ikke(c, url(modell, "change", annen))
        finnes_ikke(c, url(modell, "delete", annen))
    # Type, code and owner decide who may edit an organisation: not the coordinator's to change;
    # new providers are registered in the coordinator area, bound to the region.
    side = c.get(url("organisasjon", "change", objekter["organisasjon"]["egen"]))
    assert {"type", "kode", "rhf"} <= set(side.context["adminform"].readonly_fields)
    assert c.get(url("organisasjon", "add")).status_code == 403
    # A site moves only between the region's organisations.
    side = c.get(url("lokasjon", "change", objekter["lokasjon"]["egen"]))
    assert set(side.context["adminform"].form.fields["organisasjon"].queryset) == set(
        tilgang.organisasjoner_til_koordinering(bruker)
    )


@pytest.mark.django_db
def test_history_in_the_admin_is_the_coordinators_own_region(bodo) -> None:
    modeller = ["tilbudevent"]
    c = klient(stab("koordinator_hn", modeller=modeller, endre=False))
    liste = c.get(reverse("admin:tilbud_tilbudevent_changelist"))
    assert liste.status_code == 200
    hendelser = list(liste.context["cl"].queryset.select_related("pgh_obj__rhf"))
    assert {h.pgh_obj.rhf.kode for h in hendelser} <= {"HN"}
    if settings.HISTORIKK_AKTIV:  # the import wrote history for every tilbud
        assert any(h.pgh_obj_id == bodo.pk for h in hendelser)


@pytest.mark.django_db
@pytest.mark.parametrize("modell", ["rolle", "avtale"])
def test_roles_and_agreements_stay_with_administrators(modell: str) -> None:
    # Even given every model permission, a staff coordinator cannot grant roles or agreements.
    koordinator = stab("koordinator_hn", modeller=[modell])
    c = klient(koordinator)
    assert c.get(url(modell, "changelist")).status_code == 403
    assert c.get(url(modell, "add")).status_code == 403
    assert url(modell, "changelist") not in c.get(reverse("admin:index")).content.decode()
    admin = stab("administrator", modeller=[modell])
    assert klient(admin).get(url(modell, "changelist")).status_code == 200


@pytest.mark.django_db
def test_a_proposal_cannot_be_decided_in_the_admin(bodo) -> None:
    from tests.factories import bruker_med_rolle
    from tilbud.models import Endringsforslag

    forslag = Endringsforslag.objects.create(
        tilbud=bodo,
        endringer={"kontakt": "1"},
        grunnversjon=bodo.versjon,
        foreslatt_av=bruker_med_rolle("tilbudsredaktor", organisasjon=bodo.organisasjon.navn),
    )
    c = klient(stab("koordinator_hn"))
    adresse = url("endringsforslag", "change", forslag.pk)
    skjema = {
        "tilbud": bodo.pk,
        "endringer": '{"kontakt": "1"}',
        "grunnversjon": bodo.versjon,
        "begrunnelse": "",
        "foreslatt_av": forslag.foreslatt_av_id,
        "status": "godkjent",
        "besluttet_av": "",
        "besluttet_0": "",
        "besluttet_1": "",
        "kommentar": "ok",
    }
    svar = c.post(adresse, skjema)
    assert svar.status_code in (200, 302)
    forslag.refresh_from_db()
    assert forslag.status == "venter" and forslag.kommentar == ""
