"""A person's API token has a lifecycle (issue 15, finding 4; ASVS v5.0.0-7.x session rules for
tokens): made by the person with a session, shown once, stored as a SHA-256 only, ends after
API_TOKEN_TIMER hours, and is refused once the password changes, a role is removed or changed,
or the account is deactivated. The admin shows no token value and cannot make one."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from helsearbeid.tokens.models import ApiToken
from helsearbeid.tokens.services import token_opprett
from tests.factories import bruker_med_rolle
from tests.logg_hjelp import json_logg  # noqa: F401 - fixture
from tilbud.models import Organisasjon, Rolle

pytestmark = pytest.mark.django_db

LISTE = "/api/v1/token/"
HENVISNINGER = "/api/v1/henvisninger/"


def dekkede_ruter() -> set[str]:
    """The token routes, for tests/test_url_dekning.py: who may use them is tested here (the
    person themself with a session or token; anonymous 401/403; an API key 403)."""
    return {"token-liste", "token-detalj"}


def _med_token(token: str) -> APIClient:
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return klient


@pytest.fixture
def fastlege():
    bruker = bruker_med_rolle("henviser", henvisertype="fastlege")
    bruker.set_password("et-langt-passord-for-testen")
    bruker.save()
    return bruker


@pytest.fixture
def nytt_token(fastlege) -> str:
    """Made the way a client makes one: logged in, POST /api/v1/token/."""
    klient = APIClient()
    klient.force_login(fastlege)
    svar = klient.post(LISTE, {"navn": "EPJ"}, format="json")
    assert svar.status_code == 201, svar.content
    assert "no-store" in svar["Cache-Control"]
    return svar.json()["token"]


def test_a_token_made_with_a_session_works_and_only_its_hash_is_stored(
    fastlege, nytt_token
) -> None:
    svar = _med_token(nytt_token).get(HENVISNINGER)
    assert svar.status_code == 200
    assert "no-store" in svar["Cache-Control"] and "Authorization" in svar["Vary"]
    rad = ApiToken.objects.get(bruker=fastlege)
    assert nytt_token.startswith(f"{rad.prefiks}.")
    # No column holds the token or its secret part.
    hemmelig = nytt_token.partition(".")[2]
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        lagret = " ".join(str(v) for rad_ in c.fetchall() for v in rad_)
    assert nytt_token not in lagret and hemmelig not in lagret
    assert rad.token_hash != nytt_token and len(rad.token_hash) == 64
    # The owner's list names it by prefix only.
    liste = _med_token(nytt_token).get(LISTE).json()
    assert [t["prefiks"] for t in liste] == [rad.prefiks]
    assert nytt_token not in str(liste)


def test_a_wrong_or_malformed_token_is_401(fastlege, nytt_token) -> None:
    prefiks = nytt_token.partition(".")[0]
    for feil in (f"{prefiks}.feil", "uten-punktum", "x" * 300, f"{nytt_token}x"):
        svar = _med_token(feil).get(HENVISNINGER)
        assert svar.status_code == 401, feil
        assert svar.json()["detail"] == "Ukjent token."


def test_the_token_ends_after_api_token_timer_hours(settings, fastlege) -> None:
    for timer in (8, 2):
        settings.API_TOKEN_TIMER = timer
        token, _ = token_opprett(bruker=fastlege)
        varighet = token.gyldig_til - token.opprettet
        assert abs(varighet - timedelta(hours=timer)) < timedelta(seconds=5)


def test_an_expired_token_is_401(fastlege, nytt_token) -> None:
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 200
    ApiToken.objects.filter(bruker=fastlege).update(
        gyldig_til=timezone.now() - timedelta(seconds=1)
    )
    svar = _med_token(nytt_token).get(HENVISNINGER)
    assert svar.status_code == 401
    assert "utløp" in svar.json()["detail"]


def test_a_changed_password_ends_the_token(fastlege, nytt_token) -> None:
    # Changed the ordinary way: the password form.
    klient = Client()
    klient.force_login(fastlege)
    svar = klient.post(
        reverse("password_change"),
        {
            "old_password": "et-langt-passord-for-testen",
            "new_password1": "et-annet-langt-passord-77",
            "new_password2": "et-annet-langt-passord-77",
        },
    )
    assert svar.status_code == 302
    svar = _med_token(nytt_token).get(HENVISNINGER)
    assert svar.status_code == 401
    assert "passordet ble endret" in svar.json()["detail"]
    assert ApiToken.objects.get(bruker=fastlege).grunn == ApiToken.Grunn.PASSORD


def test_a_password_set_any_other_way_ends_the_token_too(fastlege, nytt_token) -> None:
    fastlege.set_password("satt-i-et-skall-eller-admin-42")
    fastlege.save()
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 401


def test_a_removed_role_ends_the_token(fastlege, nytt_token) -> None:
    fastlege.roller.all().delete()
    svar = _med_token(nytt_token).get(HENVISNINGER)
    assert svar.status_code == 401
    assert "rolle" in svar.json()["detail"]


def test_a_changed_role_ends_the_token() -> None:
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    token = token_opprett(bruker=koordinator)[1]
    assert _med_token(token).get("/api/v1/forslag/").status_code == 200
    rolle = koordinator.roller.get()
    rolle.rhf = Organisasjon.objects.get(kode="HV")
    rolle.save()
    assert _med_token(token).get("/api/v1/forslag/").status_code == 401


def test_an_added_role_keeps_the_token(fastlege, nytt_token) -> None:
    Rolle.objects.create(bruker=fastlege, type=Rolle.Type.ANALYTIKER)
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 200


def test_a_deactivated_user_loses_the_token(fastlege, nytt_token) -> None:
    fastlege.is_active = False
    fastlege.save()
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 401


def test_a_token_cannot_make_a_token_and_an_api_key_has_none(nytt_token) -> None:
    svar = _med_token(nytt_token).post(LISTE, {}, format="json")
    assert svar.status_code == 403
    assert APIClient().post(LISTE, {}, format="json").status_code in {401, 403}
    assert APIClient().get(LISTE).status_code in {401, 403}


def test_the_owner_revokes_a_token_and_nobody_else_can(fastlege, nytt_token) -> None:
    prefiks = nytt_token.partition(".")[0]
    annen = APIClient()
    annen.force_login(bruker_med_rolle("henviser", henvisertype="fastlege"))
    assert annen.delete(f"{LISTE}{prefiks}/").status_code == 404
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 200
    assert _med_token(nytt_token).delete(f"{LISTE}{prefiks}/").status_code == 204
    svar = _med_token(nytt_token).get(HENVISNINGER)
    assert svar.status_code == 401 and "trukket tilbake" in svar.json()["detail"]


def test_the_admin_shows_no_token_value_and_cannot_make_one(fastlege, nytt_token) -> None:
    admin = get_user_model().objects.create_superuser("admin", "admin@example.no", "passord")
    bruker_med_rolle("administrator").roller.update(bruker=admin)
    klient = Client()
    klient.force_login(admin)
    rad = ApiToken.objects.get(bruker=fastlege)
    liste = klient.get(reverse("admin:tokens_apitoken_changelist"))
    side = klient.get(reverse("admin:tokens_apitoken_change", args=[rad.pk]))
    assert liste.status_code == 200 and side.status_code == 200
    for svar in (liste, side):
        innhold = svar.content.decode()
        assert rad.prefiks in innhold
        assert nytt_token not in innhold and nytt_token.partition(".")[2] not in innhold
        assert rad.token_hash not in innhold
    assert klient.get(reverse("admin:tokens_apitoken_add")).status_code == 403
    # DRF's own plaintext token admin is gone.
    assert klient.get("/admin/authtoken/").status_code == 404
    # Revoking from the admin works.
    klient.post(
        reverse("admin:tokens_apitoken_changelist"),
        {"action": "trekk_tilbake", "_selected_action": [rad.pk]},
    )
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 401


def test_no_log_line_holds_the_token(json_logg, fastlege, nytt_token) -> None:  # noqa: F811
    json_logg.tom()
    assert _med_token(nytt_token).get(HENVISNINGER).status_code == 200
    assert _med_token(f"{nytt_token}x").get(HENVISNINGER).status_code == 401
    tekst = json_logg.tekst()
    assert nytt_token.partition(".")[2][:20] not in tekst
    prefiks = nytt_token.partition(".")[0]
    tilgang = [p for p in json_logg.json() if p.get("logger") == "helsearbeid.foresporsel"]
    assert any(p.get("user") == f"bruker:{fastlege.pk} token:{prefiks}" for p in tilgang), tilgang


def test_lag_token_prints_a_working_token_once(fastlege) -> None:
    ut = StringIO()
    call_command("lag_token", fastlege.username, "--timer", "1", stdout=ut)
    token = ut.getvalue().splitlines()[2]
    assert _med_token(token).get(HENVISNINGER).status_code == 200
    assert ApiToken.objects.get(bruker=fastlege).token_hash != token
    with pytest.raises(CommandError, match="Fant ingen bruker"):
        call_command("lag_token", "finnes-ikke")
    with pytest.raises(CommandError, match="--timer"):
        call_command("lag_token", fastlege.username, "--timer", "mange")


def test_the_schema_documents_the_token() -> None:
    import yaml

    ut = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=ut)
    skjema = yaml.safe_load(ut.getvalue())
    assert "Token" in skjema["components"]["securitySchemes"]
    assert {"get", "post"} <= set(skjema["paths"][LISTE])


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_old_plaintext_tokens() -> None:
    """A database from before this change has DRF's authtoken_token with tokens in clear text;
    migrating removes the table, its migration records and its content type."""
    from django.contrib.contenttypes.models import ContentType

    call_command("migrate", "tokens", "0001", verbosity=0)
    bruker = get_user_model().objects.create_user("gammel")
    with connection.cursor() as c:
        c.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id integer)"
        )
        c.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            ["a" * 40, timezone.now(), bruker.pk],
        )
        c.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", timezone.now()],
        )
    ContentType.objects.create(app_label="authtoken", model="token")
    call_command("migrate", "tokens", verbosity=0)
    with connection.cursor() as c:
        assert "authtoken_token" not in connection.introspection.table_names(c)
        c.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert c.fetchone()[0] == 0
    assert not ContentType.objects.filter(app_label="authtoken").exists()
