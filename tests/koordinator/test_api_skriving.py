"""The coordinators' and tilbudsredaktørers API writes beyond editing a tilbud: creating a tilbud,
organisations and sites (ETag/If-Match, 428/412), proposals (list, approve, reject, and the
editor seeing the outcome), error reports (list, resolve, thank-you), restoring a version, and
session/token authentication. Same services, validation and history as the HTML pages."""

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rapporter.services import api_nokkel_opprett
from tests.factories import token_for
from tilbud.models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Tilbud

from .conftest import lag_bruker


def api(bruker: Any = None) -> APIClient:
    c = APIClient()
    if bruker is not None:
        c.force_authenticate(bruker)
    return c


def hent(c: APIClient, url: str) -> tuple[dict, str]:
    svar = c.get(url)
    assert svar.status_code == 200, svar.content
    return svar.json(), svar["ETag"]


def org_url(pk: int) -> str:
    return reverse("organisasjon-detail", kwargs={"pk": pk})


def lok_url(pk: int) -> str:
    return reverse("lokasjon-detail", kwargs={"pk": pk})


# --- Creating a tilbud ---------------------------------------------------------------------


def nytt_tilbud(**endre: Any) -> dict[str, Any]:
    return {
        "organisasjon": Organisasjon.objects.get(navn="Nordlandssykehuset").pk,
        "navn": "Arbeidsfokusert gruppe i Bodø",
        "kategori": "Poliklinikk",
        "fagomrade": "kombinert",
        "malgrupper": ["muskel-skjelett"],
        "ventetid_uker": 4,
        **endre,
    }


@pytest.mark.django_db
def test_coordinator_creates_a_tilbud_verified_today(koordinator_hn) -> None:
    svar = api(koordinator_hn).post(reverse("tilbud-list"), nytt_tilbud(), format="json")
    assert svar.status_code == 201, svar.json()
    data = svar.json()
    assert svar["Location"] == reverse("tilbud-detail", kwargs={"pk": data["id"]})
    assert data["rhf"]["kode"] == "HN"  # a coordinator of one region need not name it
    assert data["sist_bekreftet"] == timezone.localdate().isoformat()
    assert data["bekreftet_av"] == "RHF-koordinator, Helse Nord"  # never the user name
    assert [m["slug"] for m in data["malgrupper"]] == ["muskel-skjelett"]
    # The ETag works for the next write at once.
    endret = api(koordinator_hn).patch(
        svar["Location"], {"kontakt": "75 50 00 00"}, format="json", HTTP_IF_MATCH=svar["ETag"]
    )
    assert endret.status_code == 200
    if connection.vendor == "postgresql":
        historikk = api(koordinator_hn).get(svar["Location"] + "historikk/").json()
        assert historikk[-1]["grunn"] == "Nytt tilbud"
        assert historikk[-1]["bruker"] == koordinator_hn.get_full_name()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endre", "felt"),
    [
        ({"organisasjon": "Helse Førde"}, "organisasjon"),  # another region's provider
        ({"rhf": "HV"}, "rhf"),  # not the coordinator's region
        ({"malgrupper": []}, "malgrupper"),
        ({"navn": ""}, "navn"),
        ({"ventetid_uker": -1}, "ventetid_uker"),
        ({"innhold": "x" * 10_001}, "innhold"),
        ({"nettside": "ikke en adresse"}, "nettside"),
        ({"kilde_id": "juks"}, None),  # not a field a coordinator sets: ignored, not stored
    ],
)
def test_creating_a_tilbud_validates_every_field(koordinator_hn, endre, felt) -> None:
    if endre.get("organisasjon") == "Helse Førde":
        endre["organisasjon"] = Organisasjon.objects.get(navn="Helse Førde").pk
    for_ = Tilbud.objects.count()
    svar = api(koordinator_hn).post(reverse("tilbud-list"), nytt_tilbud(**endre), format="json")
    if felt is None:
        assert svar.status_code == 201
        assert not Tilbud.objects.filter(kilde_id="juks").exists()
        return
    assert svar.status_code == 400, svar.json()
    assert felt in svar.json()
    assert Tilbud.objects.count() == for_


@pytest.mark.django_db
@pytest.mark.parametrize("rolle", ["redaktor_nordland", "analytiker", "henviser"])
def test_only_coordinators_create_tilbud(rolle: str) -> None:
    svar = api(lag_bruker(rolle)).post(reverse("tilbud-list"), nytt_tilbud(), format="json")
    assert svar.status_code == 403
    assert not Tilbud.objects.filter(navn="Arbeidsfokusert gruppe i Bodø").exists()


# --- Organisations and sites -------------------------------------------------------------------


@pytest.mark.django_db
def test_organisation_patch_with_if_match_428_and_412(bodo, koordinator_hn) -> None:
    c = api(koordinator_hn)
    url = org_url(bodo.organisasjon_id)
    data, etag = hent(c, url)
    assert data["versjon"] == 1 and etag.startswith(f'"organisasjon-{bodo.organisasjon_id}-v1-')
    assert (
        c.patch(url, {"nettside": "https://nordlandssykehuset.no"}, format="json").status_code
        == 428
    )
    svar = c.patch(
        url,
        {"nettside": "https://nordlandssykehuset.no", "grunn": "Ny adresse"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 200, svar.json()
    assert svar.json()["versjon"] == 2 and svar["ETag"] != etag
    # A second write from the same starting point is refused: nothing is overwritten.
    gammel = c.patch(url, {"navn": "Nordlandssykehuset HF"}, format="json", HTTP_IF_MATCH=etag)
    assert gammel.status_code == 412
    assert "Organisasjonen ble endret" in gammel.json()["detail"]
    if connection.vendor == "postgresql":
        assert gammel.json()["endringer"]["nettside"]["til"] == "https://nordlandssykehuset.no"
        assert gammel.json()["endret_av"] == koordinator_hn.get_full_name()
    org = Organisasjon.objects.get(pk=bodo.organisasjon_id)
    assert org.navn == "Nordlandssykehuset" and org.versjon == 2
    # Another object's ETag is not a way around the check.
    tilbud_etag = hent(c, reverse("tilbud-detail", kwargs={"pk": bodo.pk}))[1]
    feil = c.patch(url, {"navn": "x"}, format="json", HTTP_IF_MATCH=tilbud_etag)
    assert feil.status_code == 412 and "gjelder ikke dette objektet" in feil.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endring", "felt", "melding"),
    [
        ({"organisasjonsnummer": "983974898"}, "organisasjonsnummer", "gyldig organisasjonsnummer"),
        ({"organisasjonsnummer": "12345"}, "organisasjonsnummer", "gyldig organisasjonsnummer"),
        ({"nettside": "ikke en adresse"}, "nettside", ""),
        ({"navn": "Helse Førde"}, "navn", ""),  # taken by another organisation
        ({"type": "rhf"}, "detail", "Ingen felt"),  # not a coordinator's field
    ],
)
def test_bad_organisation_input_is_a_field_error(bodo, koordinator_hn, endring, felt, melding):
    c = api(koordinator_hn)
    url = org_url(bodo.organisasjon_id)
    _, etag = hent(c, url)
    svar = c.patch(url, endring, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 400, svar.json()
    assert felt in svar.json() and melding in str(svar.json()[felt])
    assert Organisasjon.objects.get(pk=bodo.organisasjon_id).versjon == 1


@pytest.mark.django_db
def test_organisation_number_with_spaces_is_accepted(bodo, koordinator_hn) -> None:
    c = api(koordinator_hn)
    url = org_url(bodo.organisasjon_id)
    _, etag = hent(c, url)
    svar = c.patch(url, {"organisasjonsnummer": "983 974 899"}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 200 and svar.json()["organisasjonsnummer"] == "983974899"


@pytest.mark.django_db
def test_site_create_and_patch(bodo, koordinator_hn) -> None:
    c = api(koordinator_hn)
    liste = reverse("organisasjon-lokasjoner", kwargs={"pk": bodo.organisasjon_id})
    for_ = len(c.get(liste).json())
    ny = c.post(liste, {"navn": "Helsehuset Mo", "kommune": "1833"}, format="json")
    assert ny.status_code == 201, ny.json()
    assert ny.json()["kommune"] == {"nummer": "1833", "navn": "Rana - Raane"}
    assert len(c.get(liste).json()) == for_ + 1
    # The same name twice in one organisation is a field error, not a 500.
    igjen = c.post(liste, {"navn": "Helsehuset Mo", "kommune": "1833"}, format="json")
    assert igjen.status_code == 400
    url = ny["Location"]
    assert c.patch(url, {"navn": "Helsehuset i Mo"}, format="json").status_code == 428
    svar = c.patch(url, {"kommune": "1804"}, format="json", HTTP_IF_MATCH=ny["ETag"])
    assert svar.status_code == 200 and svar.json()["kommune"]["navn"] == "Bodø"
    assert svar.json()["versjon"] == 2
    stale = c.patch(url, {"navn": "Mo"}, format="json", HTTP_IF_MATCH=ny["ETag"])
    assert stale.status_code == 412 and "Stedet ble endret" in stale.json()["detail"]
    assert (
        c.patch(url, {"kommune": "9999"}, format="json", HTTP_IF_MATCH=svar["ETag"]).status_code
        == 400
    )


@pytest.mark.django_db
def test_tilbud_sites_must_be_the_providers(bodo, koordinator_hn) -> None:
    """The API offers any site id; the service allows only the provider's (as the form)."""
    c = api(koordinator_hn)
    url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    _, etag = hent(c, url)
    annen = Lokasjon.objects.filter(organisasjon__rhf__kode="HV").first()
    svar = c.patch(url, {"lokasjoner": [annen.pk]}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 400 and "lokasjoner" in svar.json()
    egen = list(
        Lokasjon.objects.filter(organisasjon=bodo.organisasjon).values_list("pk", flat=True)
    )
    svar = c.patch(url, {"lokasjoner": egen}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 200
    assert sorted(lok["id"] for lok in svar.json()["lokasjoner"]) == sorted(egen)


# --- Start and end dates -------------------------------------------------------------------------


@pytest.mark.django_db
def test_end_date_before_start_is_a_field_error(bodo, koordinator_hn) -> None:
    c = api(koordinator_hn)
    url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    _, etag = hent(c, url)
    svar = c.patch(url, {"startdato": "2024-03-01"}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 200 and svar.json()["startdato"] == "2024-03-01"
    etag = svar["ETag"]
    svar = c.post(
        url + "avslutt/",
        {"dato": "2024-02-29", "grunn": "Nedlagt"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 400
    assert svar.json() == {"dato": ["Avsluttet dato kan ikke være før oppstart (01.03.2024)."]}
    svar = c.post(
        url + "avslutt/",
        {"dato": "2025-06-30", "grunn": "Nedlagt"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 200
    # Now the start date cannot be moved after the end.
    svar = c.patch(url, {"startdato": "2026-01-01"}, format="json", HTTP_IF_MATCH=svar["ETag"])
    assert svar.status_code == 400 and "startdato" in svar.json()
    bodo.refresh_from_db()
    assert bodo.startdato.isoformat() == "2024-03-01"


# --- Proposals: the four-eyes rule through the API -----------------------------------------


def foresla(redaktor: Any, tilbud: Tilbud, **endringer: Any) -> dict[str, Any]:
    c = api(redaktor)
    url = reverse("tilbud-detail", kwargs={"pk": tilbud.pk})
    _, etag = hent(c, url)
    svar = c.patch(url, endringer, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 202, svar.json()
    assert svar["Location"] == reverse("forslag-detail", kwargs={"pk": svar.json()["forslag"]})
    return svar.json()


@pytest.mark.django_db
def test_coordinator_approves_and_editor_sees_the_outcome(bodo, koordinator_hn) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    forslag = foresla(redaktor, bodo, ventetid_tekst="To uker", grunn="Ny oversikt")
    k = api(koordinator_hn)
    ko = k.get(reverse("forslag-list"), {"status": "venter"}).json()
    assert [f["id"] for f in ko["results"]] == [forslag["forslag"]]
    assert ko["results"][0]["endringer"] == {"ventetid_tekst": "To uker"}
    assert ko["results"][0]["foreslatt_av"] == redaktor.get_full_name()
    url = reverse("forslag-detail", kwargs={"pk": forslag["forslag"]})
    data, etag = hent(k, url)
    assert data["status"]["kode"] == "venter" and data["utdatert"] is False
    godkjenn = url + "godkjenn/"
    assert k.post(godkjenn, {}, format="json").status_code == 428
    svar = k.post(godkjenn, {"kommentar": "Takk!"}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 200, svar.json()
    assert svar.json()["status"]["kode"] == "godkjent"
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "To uker" and bodo.versjon == 2
    # The editor sees the outcome and the comment, in the list and on the proposal.
    mine = api(redaktor).get(reverse("forslag-list")).json()["results"]
    assert mine[0]["status"]["kode"] == "godkjent" and mine[0]["kommentar"] == "Takk!"
    assert mine[0]["besluttet_av"] == koordinator_hn.get_full_name()
    assert api(redaktor).get(url).json()["besluttet"] is not None
    # Already decided: a message, not a 500, and nothing changes.
    _, etag = hent(k, url)
    igjen = k.post(url + "avvis/", {"kommentar": "Nei"}, format="json")
    assert igjen.status_code == 400 and "allerede godkjent" in str(igjen.json())
    # The editor cannot decide on it (a role question: 403).
    assert api(redaktor).post(godkjenn, {}, format="json", HTTP_IF_MATCH=etag).status_code == 403


@pytest.mark.django_db
def test_rejecting_needs_a_comment_the_editor_then_sees(bodo, koordinator_hn) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    forslag = foresla(redaktor, bodo, kontakt="Ring 12 34 56 78")
    url = reverse("forslag-detail", kwargs={"pk": forslag["forslag"]})
    k = api(koordinator_hn)
    svar = k.post(url + "avvis/", {"kommentar": ""}, format="json")
    assert svar.status_code == 400 and "kommentar" in svar.json()
    svar = k.post(url + "avvis/", {"kommentar": "Nummeret finnes ikke"}, format="json")
    assert svar.status_code == 200 and svar.json()["status"]["kode"] == "avvist"
    bodo.refresh_from_db()
    assert bodo.kontakt == "" and bodo.versjon == 1  # a rejected proposal changes nothing
    sett = api(redaktor).get(url).json()
    assert sett["status"] == {"kode": "avvist", "navn": "Avvist"}
    assert sett["kommentar"] == "Nummeret finnes ikke"


@pytest.mark.django_db
def test_approving_against_a_tilbud_changed_since_is_412(bodo, koordinator_hn) -> None:
    forslag = foresla(lag_bruker("redaktor_nordland"), bodo, ventetid_tekst="To uker")
    url = reverse("forslag-detail", kwargs={"pk": forslag["forslag"]})
    k = api(koordinator_hn)
    _, etag = hent(k, url)
    tilbud_url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    _, tilbud_etag = hent(k, tilbud_url)
    k.patch(tilbud_url, {"ventetid_tekst": "Tre uker"}, format="json", HTTP_IF_MATCH=tilbud_etag)
    svar = k.post(url + "godkjenn/", {}, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 412
    assert Endringsforslag.objects.get(pk=forslag["forslag"]).status == "venter"
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "Tre uker"


@pytest.mark.django_db
def test_proposal_lists_are_scoped(bodo, forde, koordinator_hn) -> None:
    foresla(lag_bruker("redaktor_nordland"), bodo, kontakt="a")
    kollega = lag_bruker("redaktor_nordland")  # another editor of the same organisation
    foresla(kollega, bodo, kontakt="b")
    hv = api(lag_bruker("koordinator_hv")).get(reverse("forslag-list")).json()
    assert hv["count"] == 0
    assert api(koordinator_hn).get(reverse("forslag-list")).json()["count"] == 2
    unn = api(lag_bruker("redaktor_annen")).get(reverse("forslag-list")).json()
    assert unn["count"] == 0
    feil = api(koordinator_hn).get(reverse("forslag-list"), {"status": "kanskje"})
    assert feil.status_code == 400 and "status" in feil.json()


# --- Error reports -------------------------------------------------------------------------


@pytest.mark.django_db
def test_resolving_an_error_report_through_the_api_thanks_the_reporter(
    bodo, forde, koordinator_hn, django_capture_on_commit_callbacks
) -> None:
    melding = Feilmelding.objects.create(
        tilbud=bodo,
        felt="ventetid",
        beskrivelse="Ventetiden er 12 uker",
        epost="lege@example.no",
        epost_bekreftet=timezone.now(),  # confirmed: only then is there a thank-you
    )
    Feilmelding.objects.create(tilbud=forde, felt="annet", beskrivelse="Helse Vest")
    k = api(koordinator_hn)
    ko = k.get(reverse("feilmelding-list"), {"status": "apen"}).json()
    assert [f["id"] for f in ko["results"]] == [melding.pk]
    assert ko["results"][0]["har_epost"] is True and "epost" not in ko["results"][0]
    url = reverse("feilmelding-detail", kwargs={"pk": melding.pk}) + "los/"
    assert k.post(url, {"notat": ""}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        svar = k.post(url, {"notat": "Rettet ventetiden"}, format="json")
    assert svar.status_code == 200
    assert svar.json()["status"]["kode"] == "lost"
    assert svar.json()["lost_av"] == koordinator_hn.get_full_name()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lege@example.no"]
    assert "12 uker" not in mail.outbox[0].body
    igjen = k.post(url, {"notat": "Igjen"}, format="json")
    assert igjen.status_code == 400 and "allerede løst" in str(igjen.json())
    assert len(mail.outbox) == 1


# --- Restoring a version -----------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_an_earlier_version_through_the_api(bodo, koordinator_hn) -> None:
    c = api(koordinator_hn)
    url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    _, etag = hent(c, url)
    etag = c.patch(url, {"ventetid_tekst": "Tre uker"}, format="json", HTTP_IF_MATCH=etag)["ETag"]
    etag = c.patch(url, {"ventetid_tekst": "Ni uker"}, format="json", HTTP_IF_MATCH=etag)["ETag"]
    svar = c.post(url + "gjenopprett/", {"versjon": 2}, format="json", HTTP_IF_MATCH=etag)
    if connection.vendor != "postgresql":
        assert svar.status_code == 400 and "Historikk føres ikke" in str(svar.json())
        return
    assert svar.status_code == 200, svar.json()
    assert svar.json()["ventetid"]["tekst"] == "Tre uker" and svar.json()["versjon"] == 4
    assert c.get(url + "historikk/").json()[0]["grunn"] == "Gjenopprettet versjon 2"
    ukjent = c.post(
        url + "gjenopprett/", {"versjon": 77}, format="json", HTTP_IF_MATCH=svar["ETag"]
    )
    assert ukjent.status_code == 400 and "Fant ikke versjon 77" in str(ukjent.json())
    # A stale ETag: nothing restored.
    stale = c.post(url + "gjenopprett/", {"versjon": 3}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


# --- Authentication ------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_authentication_writes_and_session_needs_csrf(bodo, koordinator_hn) -> None:
    url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    token = token_for(koordinator_hn)
    c = APIClient(enforce_csrf_checks=True)
    _, etag = hent(c, url)
    svar = c.patch(
        url,
        {"kontakt": "75 53 40 00"},
        format="json",
        HTTP_IF_MATCH=etag,
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert svar.status_code == 200
    # A browser session must carry the CSRF token; without it nothing is written.
    okt = APIClient(enforce_csrf_checks=True)
    okt.force_login(koordinator_hn)
    svar = okt.patch(url, {"kontakt": "x"}, format="json", HTTP_IF_MATCH=svar["ETag"])
    assert svar.status_code == 403 and "CSRF" in svar.json()["detail"]
    bodo.refresh_from_db()
    assert bodo.kontakt == "75 53 40 00"


@pytest.mark.django_db
def test_an_analyst_api_key_reads_but_never_writes(bodo, objekter) -> None:
    _, klartekst = api_nokkel_opprett(navn="Analyse", eier="HN")
    c = APIClient(HTTP_AUTHORIZATION=f"Api-Key {klartekst}")
    tilbud_url = reverse("tilbud-detail", kwargs={"pk": bodo.pk})
    _, etag = hent(c, tilbud_url)
    skriving = [
        ("patch", tilbud_url),
        ("post", reverse("tilbud-list")),
        ("post", tilbud_url + "bekreft/"),
        ("patch", org_url(bodo.organisasjon_id)),
        ("post", reverse("organisasjon-lokasjoner", kwargs={"pk": bodo.organisasjon_id})),
        ("patch", lok_url(objekter["lokasjon"]["egen"])),
        ("get", reverse("forslag-list")),
        ("post", reverse("forslag-avvis", kwargs={"pk": objekter["forslag"]["egen"]})),
        ("get", reverse("feilmelding-list")),
        ("post", reverse("feilmelding-los", kwargs={"pk": objekter["feilmelding"]["egen"]})),
    ]
    for metode, url in skriving:
        svar = getattr(c, metode)(url, {"kontakt": "x"}, format="json", HTTP_IF_MATCH=etag)
        assert svar.status_code == 403, (metode, url, svar.content)
        assert "API-nøkler gir bare lesetilgang" in svar.json()["detail"]


@pytest.mark.django_db
def test_queues_take_the_same_queries_for_one_row_or_many(
    bodo, koordinator_hn, django_assert_num_queries
) -> None:
    redaktor = lag_bruker("redaktor_nordland")

    def lag(antall: int) -> None:
        for i in range(antall):
            Endringsforslag.objects.create(
                tilbud=bodo, endringer={"kontakt": str(i)}, grunnversjon=1, foreslatt_av=redaktor
            )
            Feilmelding.objects.create(tilbud=bodo, felt="annet", beskrivelse=str(i))

    for antall in (1, 15):
        lag(antall)
        for navn in ("forslag-list", "feilmelding-list"):
            # A fresh user, as each request has: its roles are read once per request.
            c = api(type(koordinator_hn).objects.get(pk=koordinator_hn.pk))
            with django_assert_num_queries(3):  # roles, count, page (with users and tilbud)
                svar = c.get(reverse(navn))
            assert svar.status_code == 200 and len(svar.json()["results"]) > 0
