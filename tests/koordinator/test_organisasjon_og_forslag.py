"""HTML: organisations and sites are version-checked like tilbud (the second of two saves is
refused with what the other person changed); a tilbudsredaktør sees what became of their
proposals; an end date before the start is a field error."""

import pytest
from django.urls import reverse

from tilbud.models import Endringsforslag, Lokasjon, Organisasjon

from .conftest import klient, lag_bruker
from .test_redigering import rediger_url, skjemadata


def org_url(pk: int) -> str:
    return reverse("koordinator:organisasjon-rediger", kwargs={"pk": pk})


@pytest.mark.django_db
def test_two_coordinators_edit_an_organisation_the_second_is_refused(bodo) -> None:
    kari, ola = klient(lag_bruker("koordinator_hn")), klient(lag_bruker("koordinator_hn"))
    url = org_url(bodo.organisasjon_id)
    kari_side, ola_side = kari.get(url), ola.get(url)
    assert kari_side.status_code == 200
    forste = kari.post(url, skjemadata(kari_side, nettside="https://nordlandssykehuset.no"))
    assert forste.status_code == 302
    andre = ola.post(
        url, skjemadata(ola_side, nettside="https://nlsh.no", organisasjonsnummer="983974899")
    )
    assert andre.status_code == 409
    html = andre.content.decode()
    assert "Noen andre har lagret organisasjonen mens du redigerte" in html
    assert "https://nordlandssykehuset.no" in html  # what the other changed
    assert "du endret også dette" in html  # both changed the web page
    # Ola's input is kept on top of the newest version.
    form = andre.context["form"]
    assert form["nettside"].value() == "https://nlsh.no"
    assert form["organisasjonsnummer"].value() == "983974899"
    assert form["versjon"].value() == 2
    org = Organisasjon.objects.get(pk=bodo.organisasjon_id)
    assert org.nettside == "https://nordlandssykehuset.no" and org.organisasjonsnummer is None
    assert org.versjon == 2
    # Saving again, deliberately, works.
    assert ola.post(url, skjemadata(andre)).status_code == 302
    org.refresh_from_db()
    assert org.nettside == "https://nlsh.no" and org.organisasjonsnummer == "983974899"
    assert org.versjon == 3


@pytest.mark.django_db
def test_two_coordinators_edit_a_site_the_second_is_refused(bodo) -> None:
    lokasjon = Lokasjon.objects.filter(organisasjon=bodo.organisasjon).first()
    url = reverse("koordinator:lokasjon-rediger", kwargs={"pk": lokasjon.pk})
    kari, ola = klient(lag_bruker("koordinator_hn")), klient(lag_bruker("koordinator_hn"))
    kari_side, ola_side = kari.get(url), ola.get(url)
    assert kari.post(url, skjemadata(kari_side, kommune="1833")).status_code == 302
    andre = ola.post(url, skjemadata(ola_side, navn="Nytt navn på stedet"))
    assert andre.status_code == 409
    html = andre.content.decode()
    assert "Noen andre har lagret stedet mens du redigerte" in html
    assert "1833 Rana - Raane" in html
    assert andre.context["form"]["navn"].value() == "Nytt navn på stedet"
    lokasjon.refresh_from_db()
    assert lokasjon.kommune_id == "1833" and lokasjon.navn != "Nytt navn på stedet"


@pytest.mark.django_db
def test_unchanged_organisation_form_saves_nothing(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    url = org_url(bodo.organisasjon_id)
    svar = c.post(url, skjemadata(c.get(url)), follow=True)
    assert "Ingen endringer å lagre" in svar.content.decode()
    assert Organisasjon.objects.get(pk=bodo.organisasjon_id).versjon == 1


@pytest.mark.django_db
def test_tampered_snapshot_still_refuses_a_stale_version(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    url = org_url(bodo.organisasjon_id)
    side = c.get(url)
    Organisasjon.objects.filter(pk=bodo.organisasjon_id).update(versjon=5)
    svar = c.post(url, skjemadata(side, grunnlag="tull", nettside="https://x.no"))
    assert svar.status_code == 409
    assert Organisasjon.objects.get(pk=bodo.organisasjon_id).nettside == ""


@pytest.mark.django_db
def test_editor_sees_the_outcome_of_their_proposals(bodo, koordinator_hn) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    r = klient(redaktor)
    r.post(rediger_url(bodo), skjemadata(r.get(rediger_url(bodo)), ventetid_tekst="To uker"))
    r.post(rediger_url(bodo), skjemadata(r.get(rediger_url(bodo)), kontakt="Ring oss"))
    venter, kontakt = Endringsforslag.objects.filter(foreslatt_av=redaktor).order_by("pk")
    mine = r.get(reverse("koordinator:mine-tilbud")).content.decode()
    assert "Forslagene dine" in mine and mine.count("Venter på koordinator") == 2

    k = klient(koordinator_hn)
    avvis = reverse("koordinator:forslag-avvis", kwargs={"pk": kontakt.pk})
    assert k.post(avvis, {"kommentar": "Nummeret mangler"}).status_code == 302
    godkjenn = reverse("koordinator:forslag-godkjenn", kwargs={"pk": venter.pk})
    assert k.post(godkjenn, {"versjon": 1, "kommentar": "Fint"}).status_code == 302

    mine = r.get(reverse("koordinator:mine-tilbud")).content.decode()
    assert "Avvist" in mine and "«Nummeret mangler»" in mine
    assert "Godkjent" in mine and "«Fint»" in mine
    assert koordinator_hn.get_full_name() in mine
    side = r.get(reverse("koordinator:forslag-detalj", kwargs={"pk": kontakt.pk}))
    assert side.status_code == 200
    html = side.content.decode()
    assert "Forslaget er avvist" in html and "Nummeret mangler" in html
    assert "Avvis forslaget" not in html and "Godkjenn forslaget" not in html
    # Another organisation's editor does not see it at all.
    annen = klient(lag_bruker("redaktor_annen"))
    assert (
        annen.get(reverse("koordinator:forslag-detalj", kwargs={"pk": kontakt.pk})).status_code
        == 404
    )
    assert "Forslagene dine" not in annen.get(reverse("koordinator:mine-tilbud")).content.decode()


@pytest.mark.django_db
def test_pending_proposal_page_tells_the_editor_it_waits(bodo) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    forslag = Endringsforslag.objects.create(
        tilbud=bodo, endringer={"kontakt": "x"}, grunnversjon=1, foreslatt_av=redaktor
    )
    html = (
        klient(redaktor)
        .get(reverse("koordinator:forslag-detalj", kwargs={"pk": forslag.pk}))
        .content.decode()
    )
    assert "Forslaget venter på koordinatoren i regionen" in html
    assert "Godkjenn forslaget" not in html


@pytest.mark.django_db
def test_end_date_before_start_is_a_field_error_in_the_form(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    svar = c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo)), startdato="2024-03-01"))
    assert svar.status_code == 302
    bodo.refresh_from_db()
    url = reverse("koordinator:tilbud-avslutt", kwargs={"pk": bodo.pk})
    svar = c.post(url, {"versjon": bodo.versjon, "dato": "2023-12-31", "grunn": "Nedlagt"})
    assert svar.status_code == 400
    html = svar.content.decode()
    assert 'id="feil_dato"' in html and "før oppstart (01.03.2024)" in html
    bodo.refresh_from_db()
    assert bodo.status != "avsluttet"


@pytest.mark.django_db
def test_editors_mine_tilbud_queries_are_constant(bodo, django_assert_num_queries) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    c = klient(redaktor)
    c.get(reverse("koordinator:mine-tilbud"))
    laget = 0
    for antall in (1, 25):
        for i in range(antall):
            Endringsforslag.objects.create(
                tilbud=bodo, endringer={"kontakt": str(i)}, grunnversjon=1, foreslatt_av=redaktor
            )
        laget += antall
        with django_assert_num_queries(5):  # session, user, roles, the list, the proposals
            svar = c.get(reverse("koordinator:mine-tilbud"))
        assert len(svar.context["mine_forslag"]) == min(laget, 20)  # the newest 20
