"""One keeper of the derived search data (tilbud.services.sokevokter): whatever writes a model
that feeds the search, the search answers as after a rebuild from scratch, on both databases."""

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from tests.factories import BrukerFactory, LokasjonFactory, OrganisasjonFactory, TilbudFactory
from tilbud import katalogversjon, referanse
from tilbud.models import (
    Avtale,
    Diagnosekode,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
    Synonym,
    Tilbud,
)
from tilbud.services import sokevokter
from tilbud.services.katalog_import import importer_katalog
from tilbud.services.organisasjon import lokasjon_oppdater

pytestmark = pytest.mark.django_db


def navn_funnet(api: Any, q: str) -> list[str]:
    return [t["navn"] for t in api.get("/api/v1/tilbud/", {"q": q}).json()["results"]]


def sokeradens_punkt(tilbud: Tilbud) -> tuple[float | None, float | None] | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sted_lat, sted_lon FROM tilbud_sokerad WHERE tilbud_id = %s", [tilbud.pk]
        )
        return cursor.fetchone()


# ------------------------------------------------------------------ the three bugs of issue 14


def test_a_provider_renamed_with_plain_save_is_found_under_its_new_name_only(api) -> None:
    org = OrganisasjonFactory(navn="Kvistadklinikken")
    TilbudFactory(
        organisasjon=org, navn="Arbeid og mestring", malgrupper=[Malgruppe.objects.first()]
    )
    assert navn_funnet(api, "Kvistadklinikken") == ["Arbeid og mestring"]

    org.navn = "Lyngheiklinikken"
    org.save()

    assert navn_funnet(api, "Lyngheiklinikken") == ["Arbeid og mestring"]
    assert navn_funnet(api, "Kvistadklinikken") == []


def test_a_site_moved_by_a_coordinator_moves_its_tilbuds_point() -> None:
    admin_bruker = BrukerFactory(is_superuser=True, is_staff=True)
    lokasjon = LokasjonFactory(kommune_id="1804")  # Bodø
    tilbud = TilbudFactory(organisasjon=lokasjon.organisasjon)
    tilbud.lokasjoner.add(lokasjon)
    tromso = Kommune.objects.get(nummer="5501")

    lokasjon_oppdater(
        bruker=admin_bruker,
        lokasjon_id=lokasjon.pk,
        versjon=lokasjon.versjon,
        endringer={"kommune": tromso},
    )

    tilbud.refresh_from_db()
    punkt = (round(float(tromso.lat), 5), round(float(tromso.lon), 5))
    assert (tilbud.sted_lat, tilbud.sted_lon) == pytest.approx(punkt)
    if connection.vendor == "postgresql":
        assert sokeradens_punkt(tilbud) == pytest.approx(punkt)


def test_a_tilbud_renamed_in_the_admin_is_found_under_its_new_name(api) -> None:
    from tilbud.admin import TilbudAdmin

    tilbud = TilbudFactory(navn="Ryggskolen Vestvåg", malgrupper=[Malgruppe.objects.first()])
    assert navn_funnet(api, "Vestvåg") == ["Ryggskolen Vestvåg"]
    tilbud.refresh_from_db()
    administrator = BrukerFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().post("/admin/")
    request.user = administrator
    modell_admin = TilbudAdmin(Tilbud, admin.site)
    skjema = modell_admin.get_form(request, tilbud, change=True)
    data = {**skjema(instance=tilbud).initial, "navn": "Nakkeskolen Flakstad"}
    form = skjema(data=_skjemadata(data), instance=tilbud)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    modell_admin.save_model(request, obj, form, change=True)
    modell_admin.save_related(request, form, [], change=True)

    assert navn_funnet(api, "Flakstad") == ["Nakkeskolen Flakstad"]
    assert navn_funnet(api, "Vestvåg") == []


def test_saving_an_instance_read_before_a_link_changed_keeps_the_derived_data(api) -> None:
    lokasjon = LokasjonFactory(kommune_id="5501")  # Tromsø
    tilbud = TilbudFactory(navn="Gammel kopi", malgrupper=[Malgruppe.objects.first()])
    lest = Tilbud.objects.get(pk=tilbud.pk)  # no site yet: no point
    tilbud.lokasjoner.add(lokasjon)
    Organisasjon.objects.filter(pk=tilbud.organisasjon_id).update(navn="Nordlysklinikken")

    lest.status_merknad = "Lagret fra en gammel kopi"
    lest.save()  # writes the stale sokeord and point it read

    lest.refresh_from_db()
    assert (lest.sted_lat, lest.sted_lon) != (None, None)
    assert navn_funnet(api, "Nordlysklinikken") == ["Gammel kopi"]


def _skjemadata(initial: dict[str, Any]) -> dict[str, Any]:
    """A model form's initial values as POST data (model instances by key, None as empty)."""
    import json

    ut: dict[str, Any] = {}
    for navn, verdi in initial.items():
        if verdi is None:
            ut[navn] = ""
        elif isinstance(verdi, list | tuple) and navn in (
            "malgrupper",
            "behandlingsformer",
            "lokasjoner",
        ):
            ut[navn] = [getattr(v, "pk", v) for v in verdi]
        elif isinstance(verdi, list | dict):
            ut[navn] = json.dumps(verdi)
        else:
            ut[navn] = getattr(verdi, "pk", verdi)
    return ut


# ------------------------------------------------- every model × every write path vs a rebuild

SOK = [
    {"q": "vokterprøve"},
    {"q": "vokterprøve", "kommune": "1804"},  # tiers (agreements, opptaksområder) and distance
    {"q": "vokterprøve", "malgruppe": "muskel-skjelett"},
    {"q": "vokterprøve", "behandlingsform": "digital"},
    {"q": "vokterprøve", "kommune": "5501"},
    {"q": "lyngheiklinikken"},
    {"q": "kvistadklinikken"},
    {"q": "bodøsenteret"},
    {"kommune": "1804"},  # the real catalogue, ranked, for the import
    {"q": "rygg", "kommune": "0301"},
]


def svar(api: Any) -> list[Any]:
    ut = []
    for params in SOK:
        respons = api.get("/api/v1/tilbud/", {**params, "page_size": 100})
        assert respons.status_code == 200, respons.content
        ut.append(respons.json())
    return ut


def etter_ny_bygging(api: Any) -> list[Any]:
    sokevokter.bygg_pa_nytt()
    referanse.glem()
    return svar(api)


@pytest.fixture
def katalog() -> dict[str, Any]:
    """A small catalogue beside the real one: a private provider with an agreement with Helse
    Nord, an HF of Helse Nord, two sites, three tilbud sharing the word «vokterprøve»."""
    hn = Organisasjon.objects.get(kode="HN")
    privat = OrganisasjonFactory(navn="Kvistadklinikken")
    Avtale.objects.create(leverandor=privat, rhf=hn, type=Avtale.Type.ARR)
    hf = OrganisasjonFactory(navn="Vokterfjord HF", type=Organisasjon.Type.HF, rhf=hn)
    bodo = LokasjonFactory(organisasjon=privat, navn="Bodøsenteret", kommune_id="1804")
    lofoten = LokasjonFactory(organisasjon=hf, navn="Lofotsenteret", kommune_id="1860")
    muskel = Malgruppe.objects.get(slug="muskel-skjelett")
    psyk = Malgruppe.objects.get(slug="psykiske-lidelser")
    a = TilbudFactory(organisasjon=privat, rhf=hn, navn="Vokterprøve arbeid", malgrupper=[muskel])
    a.lokasjoner.add(bodo)
    a.behandlingsformer.add("poliklinisk")
    b = TilbudFactory(organisasjon=hf, rhf=hn, navn="Vokterprøve mestring", malgrupper=[psyk])
    b.lokasjoner.add(lofoten)
    c = TilbudFactory(
        organisasjon=privat,
        rhf=hn,
        navn="Vokterprøve rygg",
        malgrupper=[muskel, psyk],
        diagnoser=["Ryggsmerter"],
    )
    c.lokasjoner.add(bodo, lofoten)
    return {
        "privat": privat,
        "hf": hf,
        "bodo": bodo,
        "lofoten": lofoten,
        "a": a,
        "b": b,
        "c": c,
        "muskel": muskel,
        "psyk": psyk,
        "hn": hn,
    }


def _admin_lagre(modell_admin_klasse: type, obj: Any, endringer: dict[str, Any]) -> None:
    """What the admin's change page does with a valid POST: form, save_model, save_related."""
    administrator = BrukerFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().post("/admin/")
    request.user = administrator
    modell_admin = modell_admin_klasse(type(obj), admin.site)
    skjema = modell_admin.get_form(request, obj, change=True)
    data = {**skjema(instance=obj).initial, **endringer}
    form = skjema(data=_skjemadata(data), instance=obj)
    assert form.is_valid(), form.errors
    ny = form.save(commit=False)
    modell_admin.save_model(request, ny, form, change=True)
    modell_admin.save_related(request, form, [], change=True)


def _sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _lenke(k: dict[str, Any], felt: str) -> Any:
    return getattr(Tilbud, felt).through.objects


# model → write path → the write. Each makes a change the search shows.
def _skrivinger() -> dict[tuple[str, str], Any]:
    from tilbud.admin import (
        AvtaleAdmin,
        LokasjonAdmin,
        OpptaksomradeAdmin,
        OrganisasjonAdmin,
        TilbudAdmin,
    )
    from tilbud.services.organisasjon import organisasjon_oppdater, organisasjon_opprett
    from tilbud.services.redigering import tilbud_oppdater

    def sjef() -> Any:
        return BrukerFactory(is_superuser=True, is_staff=True)

    def tilbud_tjeneste(k: dict[str, Any], **endringer: Any) -> None:
        t = Tilbud.objects.get(pk=k["a"].pk)
        tilbud_oppdater(bruker=sjef(), tilbud_id=t.pk, versjon=t.versjon, endringer=endringer)

    nytt_navn = "Vokterprøve Lyngheiklinikken nakke"
    return {
        # ---- tilbud: its name and status (the text search and the search table)
        ("tilbud", "tjeneste"): lambda k: tilbud_tjeneste(k, navn=nytt_navn),
        ("tilbud", "save"): lambda k: _lagre(Tilbud.objects.get(pk=k["a"].pk), navn=nytt_navn),
        ("tilbud", "update"): lambda k: Tilbud.objects.filter(pk=k["a"].pk).update(
            navn=nytt_navn, fagomrade="kreft", alder_fra=18
        ),
        ("tilbud", "admin"): lambda k: _admin_lagre(
            TilbudAdmin, Tilbud.objects.get(pk=k["a"].pk), {"navn": nytt_navn}
        ),
        ("tilbud", "sql"): lambda k: _sql(
            "UPDATE tilbud_tilbud SET navn = %s, status = 'ikke_bekreftet' WHERE id = %s",
            [nytt_navn, k["a"].pk],
        ),
        # ---- organisation: the provider's name (sokeord, sokevektor)
        ("organisasjon", "tjeneste"): lambda k: organisasjon_oppdater(
            bruker=sjef(),
            organisasjon_id=k["privat"].pk,
            versjon=k["privat"].versjon,
            endringer={"navn": "Lyngheiklinikken"},
        ),
        ("organisasjon", "save"): lambda k: _lagre(k["privat"], navn="Lyngheiklinikken"),
        ("organisasjon", "update"): lambda k: Organisasjon.objects.filter(pk=k["privat"].pk).update(
            navn="Lyngheiklinikken"
        ),
        ("organisasjon", "admin"): lambda k: _admin_lagre(
            OrganisasjonAdmin,
            Organisasjon.objects.get(pk=k["privat"].pk),
            {"navn": "Lyngheiklinikken"},
        ),
        ("organisasjon", "sql"): lambda k: _sql(
            "UPDATE tilbud_organisasjon SET navn = %s WHERE id = %s",
            ["Lyngheiklinikken", k["privat"].pk],
        ),
        # ---- site: moved from Bodø to Tromsø (the point, the search table's kommuner)
        ("lokasjon", "tjeneste"): lambda k: lokasjon_oppdater(
            bruker=sjef(),
            lokasjon_id=k["bodo"].pk,
            versjon=k["bodo"].versjon,
            endringer={"kommune": Kommune.objects.get(nummer="5501")},
        ),
        ("lokasjon", "save"): lambda k: _lagre(k["bodo"], kommune_id="5501"),
        ("lokasjon", "update"): lambda k: Lokasjon.objects.filter(pk=k["bodo"].pk).update(
            kommune_id="5501"
        ),
        ("lokasjon", "admin"): lambda k: _admin_lagre(
            LokasjonAdmin, Lokasjon.objects.get(pk=k["bodo"].pk), {"kommune": "5501"}
        ),
        ("lokasjon", "sql"): lambda k: _sql(
            "UPDATE tilbud_lokasjon SET kommune_id = '5501' WHERE id = %s", [k["bodo"].pk]
        ),
        # ---- målgruppe links: a tilbud changes målgruppe
        ("malgrupper", "tjeneste"): lambda k: tilbud_tjeneste(k, malgrupper=[k["psyk"]]),
        ("malgrupper", "save"): lambda k: _lenke(k, "malgrupper").create(
            tilbud_id=k["b"].pk, malgruppe_id=k["muskel"].pk
        ),
        ("malgrupper", "update"): lambda k: (
            _lenke(k, "malgrupper").filter(tilbud_id=k["a"].pk).update(malgruppe_id=k["psyk"].pk)
        ),
        ("malgrupper", "admin"): lambda k: _admin_lagre(
            TilbudAdmin, Tilbud.objects.get(pk=k["a"].pk), {"malgrupper": [k["psyk"].pk]}
        ),
        ("malgrupper", "sql"): lambda k: _sql(
            "DELETE FROM tilbud_tilbud_malgrupper WHERE tilbud_id = %s AND malgruppe_id = %s",
            [k["c"].pk, k["muskel"].pk],
        ),
        # ---- behandlingsform links
        ("behandlingsformer", "tjeneste"): lambda k: tilbud_tjeneste(
            k, behandlingsformer=["digital"]
        ),
        ("behandlingsformer", "save"): lambda k: _lenke(k, "behandlingsformer").create(
            tilbud_id=k["b"].pk, behandlingsform_id="digital"
        ),
        ("behandlingsformer", "update"): lambda k: (
            _lenke(k, "behandlingsformer")
            .filter(tilbud_id=k["a"].pk)
            .update(behandlingsform_id="digital")
        ),
        ("behandlingsformer", "admin"): lambda k: _admin_lagre(
            TilbudAdmin, Tilbud.objects.get(pk=k["a"].pk), {"behandlingsformer": ["digital"]}
        ),
        ("behandlingsformer", "sql"): lambda k: _sql(
            "INSERT INTO tilbud_tilbud_behandlingsformer (tilbud_id, behandlingsform_id) "
            "VALUES (%s, 'digital')",
            [k["c"].pk],
        ),
        # ---- agreements: the private provider's agreement moves to Helse Vest (tier «avtale»)
        ("avtale", "tjeneste"): lambda k: _ny_leverandor_med_avtale(k, organisasjon_opprett),
        ("avtale", "save"): lambda k: _lagre(
            Avtale.objects.get(leverandor=k["privat"]), rhf=Organisasjon.objects.get(kode="HV")
        ),
        ("avtale", "update"): lambda k: Avtale.objects.filter(leverandor=k["privat"]).update(
            rhf=Organisasjon.objects.get(kode="HV")
        ),
        ("avtale", "admin"): lambda k: _admin_lagre(
            AvtaleAdmin,
            Avtale.objects.get(leverandor=k["privat"]),
            {"rhf": Organisasjon.objects.get(kode="HV").pk},
        ),
        ("avtale", "sql"): lambda k: _sql(
            "DELETE FROM tilbud_avtale WHERE leverandor_id = %s", [k["privat"].pk]
        ),
        # ---- opptaksområder: Bodø becomes the test HF's area (tier «eget HF»)
        ("opptaksomrade", "save"): lambda k: _lagre(
            Opptaksomrade.objects.get(kommune_id="1804", bydelsnummer=""), helseforetak=k["hf"]
        ),
        ("opptaksomrade", "update"): lambda k: Opptaksomrade.objects.filter(
            kommune_id="1804"
        ).update(helseforetak=k["hf"]),
        ("opptaksomrade", "admin"): lambda k: _admin_lagre(
            OpptaksomradeAdmin,
            Opptaksomrade.objects.get(kommune_id="1804", bydelsnummer=""),
            {"helseforetak": k["hf"].pk},
        ),
        ("opptaksomrade", "sql"): lambda k: _sql(
            "UPDATE tilbud_opptaksomrade SET helseforetak_id = %s WHERE kommune_id = '1804'",
            [k["hf"].pk],
        ),
        # ---- and what feeds sokeord and the point from further away
        ("malgruppe", "save"): lambda k: _lagre(k["muskel"], navn="Nakkeplager"),
        ("malgruppe", "sql"): lambda k: _sql(
            "UPDATE tilbud_malgruppe SET navn = 'Nakkeplager' WHERE id = %s", [k["muskel"].pk]
        ),
        ("kommune", "save"): lambda k: _lagre(
            Kommune.objects.get(nummer="1804"), lat="69.00000", lon="18.00000"
        ),
    }


def _lagre(obj: Any, **felt: Any) -> None:
    for navn, verdi in felt.items():
        setattr(obj, navn, verdi)
    obj.save()


def _ny_leverandor_med_avtale(k: dict[str, Any], organisasjon_opprett: Any) -> None:
    """The service that writes agreements registers a provider with one; the test's tilbud
    then move to it (a second write, kept by the triggers)."""
    ny = organisasjon_opprett(
        bruker=BrukerFactory(is_superuser=True, is_staff=True),
        rhf=k["hn"],
        navn="Lyngheiklinikken AS",
        type=Organisasjon.Type.PRIVAT,
        organisasjonsnummer="974760673",
        avtaletype=Avtale.Type.PHV,
    )
    Tilbud.objects.filter(pk=k["b"].pk).update(organisasjon=ny)


def _tilfeller() -> list[Any]:
    return [pytest.param(modell, vei, id=f"{modell}-{vei}") for modell, vei in _skrivinger()]


@pytest.mark.parametrize(("modell", "vei"), _tilfeller())
def test_every_write_leaves_the_search_as_a_rebuild_would(
    api: Any, katalog: dict[str, Any], modell: str, vei: str
) -> None:
    for_ = svar(api)  # also loads the reference copy, as a running worker has it
    _skrivinger()[(modell, vei)](katalog)
    etter = svar(api)
    assert etter != for_, "the write should change what the search shows"
    assert etter == etter_ny_bygging(api)


# ------------------------------------------------------------------- the catalogue version


@pytest.mark.parametrize(("modell", "vei"), _tilfeller())
def test_every_write_that_reaches_the_public_view_moves_the_catalogue_version(
    katalog: dict[str, Any], modell: str, vei: str
) -> None:
    for_ = katalogversjon.les()
    assert for_  # the import wrote the catalogue: the row is there
    _skrivinger()[(modell, vei)](katalog)
    assert katalogversjon.les() != for_


@pytest.mark.parametrize(
    "skriving",
    [
        ("synonym", lambda: Synonym.objects.create(ord="vokterord", synonymer=["prøve"])),
        ("diagnosekode", lambda: Diagnosekode.objects.filter(kode="L86").update(tittel="Rygg")),
        ("postnummer", lambda: Postnummer.objects.filter(nummer="8006").delete()),
        ("fylke", lambda: Fylke.objects.filter(nummer="18").update(navn="Nordland fylke")),
    ],
    ids=lambda s: s[0],
)
def test_the_other_tables_the_search_reads_move_the_catalogue_version_too(skriving: Any) -> None:
    for_ = katalogversjon.les()
    skriving[1]()
    assert katalogversjon.les() != for_


def test_writes_that_do_not_reach_the_public_view_leave_the_catalogue_version(
    settings: Any,
) -> None:
    from cryptography.fernet import Fernet

    from henvisning.livssyklus import Handling, Part
    from henvisning.services import henvisning_opprett, henvisning_overgang
    from tests.factories import bruker_med_rolle
    from tests.henvisning.conftest import komplett
    from tilbud.services.feilmelding import feilmelding_opprett

    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"
    tilbud = TilbudFactory(henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    lege = bruker_med_rolle("henviser", henvisertype="fastlege")
    for_ = katalogversjon.les()

    henvisning = henvisning_opprett(sender=lege, tilbud=tilbud, data=komplett())
    henvisning_overgang(
        henvisning=henvisning, bruker=lege, part=Part.SENDER, handling=Handling.SEND
    )
    feilmelding_opprett(
        tilbud=tilbud,
        data={"felt": "kontakt", "beskrivelse": "Telefonnummeret er feil."},
        klientadresse="192.0.2.1",
    )
    bruker_med_rolle("koordinator", rhf="HN")

    assert katalogversjon.les() == for_


def test_a_bulk_update_of_agreements_is_seen_by_the_next_request_in_a_running_worker(
    api: Any, katalog: dict[str, Any]
) -> None:
    """The reference copy checks the version once per request: no signal, no waiting."""
    kommune_1804 = {"kommune": "1804", "q": "vokterprøve"}

    def niva() -> str:
        svar = api.get("/api/v1/tilbud/", kommune_1804).json()["results"]
        return next(t["niva"]["kode"] for t in svar if t["id"] == katalog["a"].pk)

    assert niva() == "avtale"
    referanse.referanse()  # loaded, as in a worker that has served searches
    Avtale.objects.filter(leverandor=katalog["privat"]).update(
        rhf=Organisasjon.objects.get(kode="HV")
    )
    assert niva() == "regionen"


def test_the_import_leaves_the_search_as_a_rebuild_would(api: Any) -> None:
    # Move the real catalogue away from its source in every model the import writes...
    tilbud = Tilbud.objects.filter(lokasjoner__kommune_id="1804").order_by("id").first()
    Tilbud.objects.filter(pk=tilbud.pk).update(
        navn="Feil navn", status="avsluttet", avsluttet_dato="2025-01-01"
    )
    tilbud.malgrupper.clear()
    tilbud.behandlingsformer.clear()
    Organisasjon.objects.filter(pk=tilbud.organisasjon_id).update(navn="Feil tilbyder")
    Lokasjon.objects.filter(tilbud=tilbud).update(kommune_id="5501")
    Avtale.objects.all().delete()
    Opptaksomrade.objects.filter(kommune_id="1804").update(
        helseforetak=Organisasjon.objects.get(kode="HN")
    )
    for_ = svar(api)
    # ... and let the import write it back.
    importer_katalog()
    etter = svar(api)
    assert etter != for_
    assert etter == etter_ny_bygging(api)


# ------------------------------------------------------------------------ the `digital` column


def sokeradens_digital(tilbud: Tilbud) -> bool | None:
    """The search table's copy (PostgreSQL); on SQLite the search reads the tilbud itself."""
    if connection.vendor != "postgresql":
        return Tilbud.objects.values_list("digital", flat=True).get(pk=tilbud.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digital FROM tilbud_sokerad WHERE tilbud_id = %s", [tilbud.pk])
        return cursor.fetchone()[0]


BODO = "s4_6_4_3_1"  # Nordlandssykehuset: «kan benytte Skype og telefon til oppfølging»


def test_the_import_marks_digital_only_where_the_source_says_it_is_delivered_so() -> None:
    digitale = set(Tilbud.objects.filter(digital=True).values_list("kilde_id", flat=True))
    # The source's delivery lists «digital» for these; two more mention only plans for it
    # (s4_6_2_2_3 «arbeidet med å utvikle», s4_6_3_3_2 «undersøke mulighetene»).
    assert digitale == {
        "s4_6_1_3_1", "s4_6_1_6_1", "s4_6_2_2_1", "s4_6_4_1_1", "s4_6_4_3_1", "s4_6_4_4_1",
    }  # fmt: skip
    for tilbud in Tilbud.objects.all():
        assert sokeradens_digital(tilbud) == tilbud.digital, tilbud.kilde_id


def test_a_coordinator_unticks_digital_in_the_html_form_and_the_search_follows() -> None:
    from django.urls import reverse

    from tests.factories import bruker_med_rolle
    from tests.koordinator.conftest import klient
    from tests.koordinator.test_redigering import skjemadata

    bodo = Tilbud.objects.get(kilde_id=BODO)
    assert bodo.digital and sokeradens_digital(bodo)
    c = klient(bruker_med_rolle("koordinator", rhf="HN"))
    url = reverse("koordinator:tilbud-rediger", kwargs={"pk": bodo.pk})
    side = c.get(url)
    assert "Kan gis digitalt (video/nett)" in side.content.decode()
    data = skjemadata(side, grunn="Bare oppmøte nå")
    assert data.pop("digital") == "on"  # an unticked box is not sent
    svar = c.post(url, data)
    assert svar.status_code == 302, svar.content.decode()[:2000]
    bodo.refresh_from_db()
    assert bodo.digital is False
    assert sokeradens_digital(bodo) is False


def test_the_editing_api_sets_digital() -> None:
    from rest_framework.test import APIClient

    from tests.factories import bruker_med_rolle

    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    api = APIClient()
    api.force_authenticate(bruker_med_rolle("administrator"))
    url = f"/api/v1/tilbud/{tilbud.pk}/"
    for_ = api.get(url)
    assert for_.json()["digital"] is False
    svar = api.patch(url, {"digital": True}, format="json", HTTP_IF_MATCH=for_["ETag"])
    assert svar.status_code == 200, svar.content
    assert api.get(url).json()["digital"] is True
    assert sokeradens_digital(tilbud) is True
    feil = api.patch(url, {"digital": "kanskje"}, format="json", HTTP_IF_MATCH=svar["ETag"])
    assert feil.status_code == 400 and "digital" in feil.json()


def test_the_admin_edits_digital() -> None:
    from tilbud.admin import TilbudAdmin

    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    _admin_lagre(TilbudAdmin, tilbud, {"digital": True})
    tilbud.refresh_from_db()
    assert tilbud.digital is True
    assert sokeradens_digital(tilbud) is True
