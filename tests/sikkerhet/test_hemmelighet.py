"""The prefixed secrets behind API tokens and analysts' API keys (helsearbeid.hemmelighet):
a prefix collision retries with a new secret instead of failing the request, and gives up with a
clear error after a bounded number of tries; a malformed secret is never looked up."""

import itertools

import pytest

from helsearbeid import hemmelighet
from helsearbeid.hemmelighet import del_hemmelighet
from helsearbeid.tokens.models import ApiToken
from helsearbeid.tokens.services import token_opprett
from rapporter.models import ApiNokkel
from rapporter.services import api_nokkel_opprett
from tests.factories import bruker_med_rolle
from tilbud.models import Rolle

pytestmark = pytest.mark.django_db


def _prefikser(monkeypatch, *verdier: str) -> None:
    """Make secrets.token_hex (the prefix) return `verdier`, then fresh ones."""
    kilde = itertools.chain(verdier, (f"{n:08x}" for n in itertools.count(1)))
    monkeypatch.setattr(hemmelighet.secrets, "token_hex", lambda _n: next(kilde))


def _lag_token() -> tuple[object, str]:
    bruker = bruker_med_rolle(Rolle.Type.HENVISER, henvisertype="fastlege")
    return token_opprett(bruker=bruker)


def _lag_nokkel() -> tuple[object, str]:
    return api_nokkel_opprett(navn="Analyse", eier="Helsedirektoratet")


@pytest.mark.parametrize(("lag", "modell"), [(_lag_token, ApiToken), (_lag_nokkel, ApiNokkel)])
def test_a_prefix_collision_retries_with_a_new_secret(monkeypatch, lag, modell) -> None:
    _prefikser(monkeypatch, "aaaa0001")
    lag()
    _prefikser(monkeypatch, "aaaa0001", "aaaa0001", "bbbb0002")
    andre, klartekst = lag()
    assert andre.prefiks == "bbbb0002" and klartekst.startswith("bbbb0002.")
    assert modell.objects.filter(prefiks="aaaa0001").count() == 1
    assert modell.objects.count() == 2


@pytest.mark.parametrize(("lag", "hva"), [(_lag_token, "token"), (_lag_nokkel, "nøkkel")])
def test_five_collisions_give_a_clear_error_and_store_nothing(monkeypatch, lag, hva) -> None:
    _prefikser(monkeypatch, "cccc0003")
    lag()
    _prefikser(monkeypatch, *["cccc0003"] * hemmelighet.FORSOK)
    with pytest.raises(RuntimeError, match=f"ledig {hva}prefiks etter 5 forsøk"):
        lag()


@pytest.mark.parametrize(
    "tekst", ["", "utenpunktum", ".bare-hemmelighet", "prefiks.", "x" * 17 + ".hemmelig"]
)
def test_a_malformed_secret_is_not_split(tekst: str) -> None:
    assert del_hemmelighet(tekst) is None


def test_a_secret_splits_into_prefix_and_rest() -> None:
    assert del_hemmelighet("ab12cd34.se.cret") == ("ab12cd34", "se.cret")
