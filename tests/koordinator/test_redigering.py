"""Editing through the HTML forms: saving, proposals, the race between two coordinators,
verification, ending, bad input (field errors, never a 500) and CSRF."""

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tilbud.models import Endringsforslag, Organisasjon, Tilbud

from .conftest import klient, lag_bruker


def skjemadata(svar: Any, **endre: Any) -> dict[str, Any]:
    """What a browser would send for the form on the page, with some fields changed."""
    form = svar.context["form"]
    data: dict[str, Any] = {}
    for felt in form:
        verdi = felt.value()
        widget = felt.field.widget.__class__.__name__
        if widget == "CheckboxInput":
            if verdi:
                data[felt.html_name] = "on"
            continue
        if widget == "NullBooleanSelect":
            data[felt.html_name] = {True: "true", False: "false"}.get(verdi, "unknown")
            continue
        if widget == "CheckboxSelectMultiple" or isinstance(verdi, list | tuple):
            verdi = verdi or []
            data[felt.html_name] = [str(getattr(v, "pk", v)) for v in verdi]
            continue
        if isinstance(verdi, date):
            verdi = verdi.isoformat()
        data[felt.html_name] = "" if verdi is None else verdi
    data.update(endre)
    return data


def rediger_url(tilbud: Tilbud) -> str:
    return reverse("koordinator:tilbud-rediger", kwargs={"pk": tilbud.pk})


@pytest.mark.django_db
def test_login_page_redirects_back_to_next(koordinator_hn) -> None:
    svar = klient().get("/koordinator/")
    assert svar.status_code == 302 and svar["Location"] == "/konto/login/?next=/koordinator/"
    side = klient().get(svar["Location"])
    assert "Logg inn" in side.content.decode()
    feil = klient().post("/konto/login/", {"username": koordinator_hn.username, "password": "x"})
    assert (
        feil.status_code == 200 and "Brukernavnet eller passordet er feil" in feil.content.decode()
    )
    inn = klient().post(
        "/konto/login/?next=/koordinator/feilmeldinger/",
        {
            "username": koordinator_hn.username,
            "password": "hemmelig-passord-123",
            "next": "/koordinator/feilmeldinger/",
        },
    )
    assert inn.status_code == 302 and inn["Location"] == "/koordinator/feilmeldinger/"


@pytest.mark.django_db
def test_coordinator_saves_waiting_time(bodo: Tilbud, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    side = c.get(rediger_url(bodo))
    assert side.status_code == 200
    svar = c.post(
        rediger_url(bodo),
        skjemadata(side, ventetid_tekst="Fire uker", ventetid_uker="4", grunn="Telefon"),
    )
    assert svar.status_code == 302, svar.content.decode()[:2000]
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "Fire uker" and bodo.ventetid_uker == 4 and bodo.versjon == 2
    # Untouched fields (also the many-to-many ones) are as they were.
    assert bodo.malgrupper.count() > 0


@pytest.mark.django_db
def test_unchanged_form_saves_nothing(bodo: Tilbud, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    svar = c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo))))
    assert svar.status_code == 302
    bodo.refresh_from_db()
    assert bodo.versjon == 1


@pytest.mark.django_db
def test_editor_change_becomes_a_proposal(bodo: Tilbud) -> None:
    c = klient(lag_bruker("redaktor_nordland"))
    side = c.get(rediger_url(bodo))
    assert "Send forslag" in side.content.decode()
    svar = c.post(rediger_url(bodo), skjemadata(side, ventetid_tekst="To uker"), follow=True)
    assert "venter på godkjenning fra koordinatoren" in svar.content.decode()
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "" and bodo.versjon == 1
    forslag = Endringsforslag.objects.get(tilbud=bodo)
    assert forslag.endringer == {"ventetid_tekst": "To uker"}


@pytest.mark.django_db
def test_two_coordinators_race_the_second_gets_409_and_keeps_input(bodo: Tilbud) -> None:
    kari, ola = lag_bruker("koordinator_hn"), lag_bruker("koordinator_hn")
    kc, oc = klient(kari), klient(ola)
    kari_side, ola_side = kc.get(rediger_url(bodo)), oc.get(rediger_url(bodo))
    forste = kc.post(rediger_url(bodo), skjemadata(kari_side, ventetid_tekst="Tre uker"))
    assert forste.status_code == 302
    andre = oc.post(
        rediger_url(bodo),
        skjemadata(ola_side, ventetid_tekst="Seks uker", kontakt="Ring 75 00 00 00"),
    )
    assert andre.status_code == 409
    html = andre.content.decode()
    assert "Noen andre har lagret tilbudet" in html
    assert "Tre uker" in html  # what the other changed
    assert "du endret også dette" in html
    # Ola's input is still in the form, on top of the newest version.
    form = andre.context["form"]
    assert form["ventetid_tekst"].value() == "Seks uker"
    assert form["kontakt"].value() == "Ring 75 00 00 00"
    assert form["versjon"].value() == 2
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "Tre uker" and bodo.kontakt == "" and bodo.versjon == 2
    # Saving again deliberately works.
    igjen = oc.post(rediger_url(bodo), skjemadata(andre))
    assert igjen.status_code == 302
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "Seks uker" and bodo.versjon == 3


@pytest.mark.django_db
def test_confirm_and_end_show_on_the_public_page(bodo: Tilbud, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    url = reverse("koordinator:tilbud-bekreft", kwargs={"pk": bodo.pk})
    assert c.post(url, {"versjon": bodo.versjon}).status_code == 302
    bodo.refresh_from_db()
    assert bodo.sist_bekreftet == timezone.localdate()
    # Shown publicly: the role and the region, never the person (issue 13).
    assert bodo.bekreftet_av == "RHF-koordinator, Helse Nord"
    # A stale version is refused with a message, nothing changes.
    svar = c.post(url, {"versjon": 1}, follow=True)
    assert "etter at du åpnet det" in svar.content.decode()

    avslutt = reverse("koordinator:tilbud-avslutt", kwargs={"pk": bodo.pk})
    svar = c.post(avslutt, {"versjon": bodo.versjon, "dato": "", "grunn": "Nedlagt"})
    assert svar.status_code == 400 and 'id="feil_dato"' in svar.content.decode()
    svar = c.post(avslutt, {"versjon": bodo.versjon, "dato": "2026-12-31", "grunn": "Slått sammen"})
    assert svar.status_code == 302
    bodo.refresh_from_db()
    assert bodo.status == Tilbud.Status.AVSLUTTET and Tilbud.objects.filter(pk=bodo.pk).exists()
    offentlig = klient().get(reverse("tilbud-detalj", kwargs={"pk": bodo.pk})).content.decode()
    assert "Avsluttet" in offentlig


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endre", "felt"),
    [
        ({"ventetid_uker": "-3"}, "ventetid_uker"),
        ({"alder_fra": "50", "alder_til": "20"}, "alder_til"),
        ({"innhold": "x" * 20_000}, "innhold"),
        ({"nettside": "ikke en adresse"}, "nettside"),
        ({"navn": ""}, "navn"),
    ],
)
def test_bad_tilbud_input_gives_field_errors(bodo, koordinator_hn, endre, felt) -> None:
    c = klient(koordinator_hn)
    svar = c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo)), **endre))
    assert svar.status_code == 400
    html = svar.content.decode()
    assert f'id="feil_{felt}"' in html
    assert f'aria-describedby="feil_{felt}' in html
    bodo.refresh_from_db()
    assert bodo.versjon == 1


@pytest.mark.django_db
def test_ten_megabyte_description_is_refused_with_the_limit_not_a_500(bodo, koordinator_hn):
    c = klient(koordinator_hn)
    data = skjemadata(c.get(rediger_url(bodo)), innhold="x" * 10 * 1024 * 1024)
    svar = c.post(rediger_url(bodo), data)
    assert svar.status_code == 413
    html = svar.content.decode()
    assert "For mye tekst" in html and "høyst 2,5 MB" in html and "Ingenting er lagret" in html
    bodo.refresh_from_db()
    assert bodo.versjon == 1


@pytest.mark.django_db
def test_long_description_is_a_field_error_with_the_limit(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    side = c.get(rediger_url(bodo))
    assert 'maxlength="10000"' in side.content.decode()  # the browser stops typing there
    svar = c.post(rediger_url(bodo), skjemadata(side, innhold="x" * 10_001))
    assert svar.status_code == 400
    assert "Teksten er for lang: høyst 10\u00a0000 tegn" in svar.content.decode()


@pytest.mark.django_db
def test_organisation_number_failing_mod11_is_a_field_error(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    url = reverse("koordinator:organisasjon-rediger", kwargs={"pk": bodo.organisasjon_id})
    side = c.get(url)
    svar = c.post(url, skjemadata(side, organisasjonsnummer="983974898"))
    assert svar.status_code == 400 and 'id="feil_organisasjonsnummer"' in svar.content.decode()
    assert "ikke et gyldig organisasjonsnummer" in svar.content.decode()
    gyldig = "983974899"  # Nordlandssykehuset HF's real number has a valid check digit
    svar = c.post(url, skjemadata(side, organisasjonsnummer=gyldig))
    assert svar.status_code == 302
    assert Organisasjon.objects.get(pk=bodo.organisasjon_id).organisasjonsnummer == gyldig


@pytest.mark.django_db
def test_coordinator_creates_a_tilbud_in_the_region(koordinator_hn) -> None:
    from tilbud.models import Malgruppe

    c = klient(koordinator_hn)
    side = c.get(reverse("koordinator:tilbud-ny"))
    data = skjemadata(
        side,
        rhf=str(Organisasjon.objects.get(kode="HN").pk),
        organisasjon=str(Organisasjon.objects.get(navn="Nordlandssykehuset").pk),
        navn="Nytt arbeidsrettet tilbud i Bodø",
        kategori="Poliklinikk",
        fagomrade="kombinert",
        malgrupper=[str(Malgruppe.objects.first().pk)],
    )
    svar = c.post(reverse("koordinator:tilbud-ny"), data)
    assert svar.status_code == 302, svar.content.decode()[:3000]
    ny = Tilbud.objects.get(navn="Nytt arbeidsrettet tilbud i Bodø")
    assert ny.rhf.kode == "HN" and ny.sist_bekreftet == timezone.localdate()
    # Not a provider of another region.
    data["organisasjon"] = str(Organisasjon.objects.get(navn="Helse Førde").pk)
    assert c.post(reverse("koordinator:tilbud-ny"), data).status_code == 400


@pytest.mark.django_db
def test_every_form_post_without_csrf_token_is_403(bodo, koordinator_hn, objekter) -> None:
    c = klient(koordinator_hn, enforce_csrf_checks=True)
    urler = [
        reverse("koordinator:tilbud-ny"),
        rediger_url(bodo),
        reverse("koordinator:tilbud-bekreft", kwargs={"pk": bodo.pk}),
        reverse("koordinator:tilbud-avslutt", kwargs={"pk": bodo.pk}),
        reverse("koordinator:tilbud-gjenopprett", kwargs={"pk": bodo.pk, "versjon": 1}),
        reverse("koordinator:organisasjon-rediger", kwargs={"pk": bodo.organisasjon_id}),
        reverse("koordinator:lokasjon-ny", kwargs={"pk": bodo.organisasjon_id}),
        reverse("koordinator:lokasjon-rediger", kwargs={"pk": objekter["lokasjon"]["egen"]}),
        reverse("koordinator:forslag-godkjenn", kwargs={"pk": objekter["forslag"]["egen"]}),
        reverse("koordinator:forslag-avvis", kwargs={"pk": objekter["forslag"]["egen"]}),
        reverse("koordinator:feilmelding", kwargs={"pk": objekter["feilmelding"]["egen"]}),
        reverse("logout"),
    ]
    for url in urler:
        assert c.post(url, {"versjon": 1}).status_code == 403, url
    # With the token from the page it works.
    side = c.get(rediger_url(bodo))
    token = side.context["csrf_token"]
    svar = c.post(
        reverse("koordinator:tilbud-bekreft", kwargs={"pk": bodo.pk}),
        {"versjon": 1, "csrfmiddlewaretoken": str(token)},
    )
    assert svar.status_code == 302


@pytest.mark.django_db
def test_history_on_sqlite_says_so_politely(bodo, koordinator_hn) -> None:
    if settings.HISTORIKK_AKTIV:
        pytest.skip("PostgreSQL fører historikk")
    html = klient(koordinator_hn).get(rediger_url(bodo)).content.decode()
    assert "Historikk føres bare når portalen kjører på PostgreSQL" in html


@pytest.mark.django_db
def test_history_diff_and_restore_on_postgresql(bodo, koordinator_hn) -> None:
    if not settings.HISTORIKK_AKTIV:
        pytest.skip("historikk krever PostgreSQL")
    c = klient(koordinator_hn)
    c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo)), ventetid_tekst="Tre uker"))
    c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo)), ventetid_tekst="Ni uker"))
    html = c.get(rediger_url(bodo)).content.decode()
    assert "Tre uker" in html and "Ni uker" in html and "Gjenopprett denne versjonen" in html
    svar = c.post(
        reverse("koordinator:tilbud-gjenopprett", kwargs={"pk": bodo.pk, "versjon": 2}),
        {"versjon": 3},
    )
    assert svar.status_code == 302
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "Tre uker" and bodo.versjon == 4
    siste = Tilbud.pgh_event_model.objects.filter(pgh_obj_id=bodo.pk).order_by("-pgh_id")[0]
    assert siste.pgh_context.metadata["grunn"] == "Gjenopprettet versjon 2"
