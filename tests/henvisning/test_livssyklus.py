"""The lifecycle as a pure state machine: examples, and a bounded hypothesis state machine that
checks the invariants over random sequences of actions."""

from datetime import date, timedelta

import pytest
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from henvisning.livssyklus import (
    Avvisningsgrunn,
    Handling,
    Part,
    Status,
    Tilstand,
    UgyldigOvergang,
    UmuligOvergang,
    Utfall,
    mulige_handlinger,
    neste,
)

IDAG = date(2026, 3, 2)


def gaa(tilstand: Tilstand, handling: Handling, part: Part, **kw) -> Tilstand:
    return neste(tilstand, handling, part=part, idag=IDAG, **kw)


def test_hele_loypen_rett_til_helsehjelp() -> None:
    t = Tilstand(Status.UTKAST)
    t = gaa(t, Handling.SEND, Part.SENDER)
    t = gaa(t, Handling.MOTTA, Part.MOTTAKER)
    t = gaa(t, Handling.VURDER, Part.MOTTAKER, utfall=Utfall.RETT, frist=IDAG)
    t = gaa(t, Handling.VENTER, Part.MOTTAKER)
    t = gaa(t, Handling.START, Part.MOTTAKER)
    t = gaa(t, Handling.AVSLUTT, Part.MOTTAKER)
    assert t == Tilstand(Status.AVSLUTTET, Utfall.RETT) and t.er_avsluttet


def test_umulige_overganger_gir_klar_feil() -> None:
    with pytest.raises(UmuligOvergang, match="ikke mulig"):
        gaa(Tilstand(Status.UTKAST), Handling.VURDER, Part.MOTTAKER)
    with pytest.raises(UmuligOvergang):  # the receiver cannot send for the GP
        gaa(Tilstand(Status.UTKAST), Handling.SEND, Part.MOTTAKER)
    with pytest.raises(UmuligOvergang):  # «ikke rett» ends the referral
        gaa(Tilstand(Status.VURDERT, Utfall.IKKE_RETT), Handling.START, Part.MOTTAKER)
    with pytest.raises(UmuligOvergang):  # too late to withdraw
        gaa(Tilstand(Status.STARTET, Utfall.RETT), Handling.TREKK, Part.SENDER, begrunnelse="x")


def test_vurdering_krever_frist_eller_begrunnelse() -> None:
    mottatt = Tilstand(Status.MOTTATT)
    with pytest.raises(UgyldigOvergang) as e:
        gaa(mottatt, Handling.VURDER, Part.MOTTAKER, utfall=Utfall.RETT)
    assert e.value.felt == "frist"
    with pytest.raises(UgyldigOvergang) as e:
        gaa(
            mottatt,
            Handling.VURDER,
            Part.MOTTAKER,
            utfall=Utfall.RETT,
            frist=IDAG - timedelta(days=1),
        )
    assert e.value.felt == "frist"
    with pytest.raises(UgyldigOvergang) as e:
        gaa(mottatt, Handling.VURDER, Part.MOTTAKER, utfall=Utfall.IKKE_RETT, begrunnelse=" ")
    assert e.value.felt == "begrunnelse"
    with pytest.raises(UgyldigOvergang) as e:
        gaa(mottatt, Handling.VURDER, Part.MOTTAKER, utfall=Utfall.VIDERESENDT)
    assert e.value.felt == "videresendt_til"


def test_avvisning_for_manglende_opplysninger_krever_foresporsel() -> None:
    mottatt = Tilstand(Status.MOTTATT)
    kw = {"avvisningsgrunn": Avvisningsgrunn.MANGLER_OPPLYSNINGER, "begrunnelse": "Mangler"}
    with pytest.raises(UgyldigOvergang, match="forespørsel"):
        gaa(mottatt, Handling.AVVIS, Part.MOTTAKER, **kw)
    assert gaa(mottatt, Handling.AVVIS, Part.MOTTAKER, har_foresporsel=True, **kw).status == (
        Status.AVVIST
    )
    with pytest.raises(UgyldigOvergang):  # a rejection always has a reason
        gaa(mottatt, Handling.AVVIS, Part.MOTTAKER, avvisningsgrunn=Avvisningsgrunn.ANNET)


def test_trekk_krever_begrunnelse_etter_sending() -> None:
    assert gaa(Tilstand(Status.UTKAST), Handling.TREKK, Part.SENDER).status == Status.TRUKKET
    with pytest.raises(UgyldigOvergang):
        gaa(Tilstand(Status.SENDT), Handling.TREKK, Part.SENDER)


MANGLER_FORESPORSEL = (
    "En henvisning kan ikke avvises for manglende opplysninger før henviseren er bedt om dem "
    "(send en forespørsel først)."
)
VURDERT_RETT = Tilstand(Status.VURDERT, Utfall.RETT)


@pytest.mark.parametrize(
    ("tilstand", "handling", "kw", "felt", "melding"),
    [
        # Withdrawing after sending needs a reason; blank counts as missing.
        *[
            (
                t,
                Handling.TREKK,
                {"begrunnelse": b},
                "begrunnelse",
                "Oppgi hvorfor henvisningen trekkes.",
            )
            for t in (
                Tilstand(Status.SENDT),
                Tilstand(Status.MOTTATT),
                VURDERT_RETT,
                Tilstand(Status.VENTER, Utfall.RETT),
            )
            for b in ("", "  ")
        ],
        # A rejection needs a ground and a reason.
        (
            Tilstand(Status.SENDT),
            Handling.AVVIS,
            {"begrunnelse": "Feil sted"},
            "avvisningsgrunn",
            "Velg en grunn for avvisningen.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.AVVIS,
            {"avvisningsgrunn": Avvisningsgrunn.FEIL_MOTTAKER, "begrunnelse": " "},
            "begrunnelse",
            "En avvisning må begrunnes.",
        ),
        (
            Tilstand(Status.SENDT),
            Handling.AVVIS,
            {"avvisningsgrunn": Avvisningsgrunn.MANGLER_OPPLYSNINGER, "begrunnelse": "Mangler"},
            "avvisningsgrunn",
            MANGLER_FORESPORSEL,
        ),
        # An assessment needs an outcome, and what that outcome requires.
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"frist": IDAG, "begrunnelse": "Grunn", "videresendt_til": 7},
            "utfall",
            "Velg utfallet av vurderingen.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"utfall": Utfall.RETT, "begrunnelse": "Grunn", "videresendt_til": 7},
            "frist",
            "Rett til helsehjelp krever en frist.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"utfall": Utfall.RETT, "frist": IDAG - timedelta(days=1)},
            "frist",
            "Fristen kan ikke ligge i fortiden.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"utfall": Utfall.IKKE_RETT, "frist": IDAG, "videresendt_til": 7},
            "begrunnelse",
            "«Ikke rett» må begrunnes.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"utfall": Utfall.IKKE_RETT, "begrunnelse": " \t"},
            "begrunnelse",
            "«Ikke rett» må begrunnes.",
        ),
        (
            Tilstand(Status.MOTTATT),
            Handling.VURDER,
            {"utfall": Utfall.VIDERESENDT, "frist": IDAG, "begrunnelse": "Grunn"},
            "videresendt_til",
            "Velg tilbudet henvisningen sendes videre til.",
        ),
    ],
)
def test_missing_or_wrong_values_are_refused_naming_the_field_with_a_message(
    tilstand, handling, kw, felt, melding
) -> None:
    with pytest.raises(UgyldigOvergang) as e:
        gaa(tilstand, handling, Part.SENDER if handling == Handling.TREKK else Part.MOTTAKER, **kw)
    assert (e.value.felt, e.value.melding) == (felt, melding)
    assert str(e.value) == f"{felt}: {melding}"


@pytest.mark.parametrize(
    ("kw", "resultat"),
    [
        ({"utfall": Utfall.RETT, "frist": IDAG}, VURDERT_RETT),
        ({"utfall": Utfall.RETT, "frist": IDAG + timedelta(days=30)}, VURDERT_RETT),
        ({"utfall": Utfall.IKKE_RETT, "begrunnelse": "Ikke behov"}, None),
        ({"utfall": Utfall.VIDERESENDT, "videresendt_til": 7}, None),
    ],
)
def test_an_assessment_needs_only_what_its_outcome_requires(kw, resultat) -> None:
    ny = gaa(Tilstand(Status.MOTTATT), Handling.VURDER, Part.MOTTAKER, **kw)
    assert ny == (resultat or Tilstand(Status.VURDERT, kw["utfall"]))
    # «rett» goes on; «ikke rett» and «videresendt» end the referral here.
    assert ny.er_avsluttet == (kw["utfall"] != Utfall.RETT)
    forventet = [Handling.VENTER, Handling.START] if kw["utfall"] == Utfall.RETT else []
    assert mulige_handlinger(ny, Part.MOTTAKER) == forventet


@pytest.mark.parametrize("status", [Status.SENDT, Status.MOTTATT])
@pytest.mark.parametrize(
    ("grunn", "har_foresporsel"),
    [
        (Avvisningsgrunn.FEIL_MOTTAKER, False),
        (Avvisningsgrunn.UTENFOR_MALGRUPPE, False),
        (Avvisningsgrunn.ANNET, False),
        (Avvisningsgrunn.MANGLER_OPPLYSNINGER, True),
    ],
)
def test_the_receiver_rejects_with_a_ground_and_a_reason(status, grunn, har_foresporsel) -> None:
    ny = gaa(
        Tilstand(status),
        Handling.AVVIS,
        Part.MOTTAKER,
        avvisningsgrunn=grunn,
        begrunnelse="Begrunnelse",
        har_foresporsel=har_foresporsel,
    )
    assert ny == Tilstand(Status.AVVIST) and ny.er_avsluttet


@pytest.mark.parametrize(
    ("tilstand", "begrunnelse"),
    [
        (Tilstand(Status.UTKAST), ""),
        (Tilstand(Status.UTKAST), "Feil pasient"),
        (Tilstand(Status.SENDT), "Feil pasient"),
        (Tilstand(Status.MOTTATT), "Feil pasient"),
        (VURDERT_RETT, "Pasienten er frisk"),
        (Tilstand(Status.VENTER, Utfall.RETT), "Pasienten er frisk"),
    ],
)
def test_the_sender_withdraws_until_treatment_starts(tilstand, begrunnelse) -> None:
    ny = gaa(tilstand, Handling.TREKK, Part.SENDER, begrunnelse=begrunnelse)
    assert ny == Tilstand(Status.TRUKKET) and ny.er_avsluttet
    with pytest.raises(UmuligOvergang):  # the receiver cannot withdraw for the sender
        gaa(tilstand, Handling.TREKK, Part.MOTTAKER, begrunnelse=begrunnelse)


@pytest.mark.parametrize(
    ("tilstand", "handling", "resultat"),
    [
        (Tilstand(Status.SENDT), Handling.MOTTA, Tilstand(Status.MOTTATT)),
        (VURDERT_RETT, Handling.VENTER, Tilstand(Status.VENTER, Utfall.RETT)),
        (VURDERT_RETT, Handling.START, Tilstand(Status.STARTET, Utfall.RETT)),
        (
            Tilstand(Status.VENTER, Utfall.RETT),
            Handling.START,
            Tilstand(Status.STARTET, Utfall.RETT),
        ),
        (
            Tilstand(Status.STARTET, Utfall.RETT),
            Handling.AVSLUTT,
            Tilstand(Status.AVSLUTTET, Utfall.RETT),
        ),
    ],
)
def test_waiting_and_treatment_keep_the_right_to_health_care(tilstand, handling, resultat) -> None:
    # Values that belong to other actions are ignored, not taken over.
    ny = gaa(
        tilstand,
        handling,
        Part.MOTTAKER,
        utfall=Utfall.IKKE_RETT,
        frist=IDAG,
        begrunnelse="x",
        avvisningsgrunn=Avvisningsgrunn.ANNET,
    )
    assert ny == resultat


class Livssyklus(RuleBasedStateMachine):
    """Random actions by random parties: whatever happens, the state stays consistent."""

    def __init__(self) -> None:
        super().__init__()
        self.tilstand = Tilstand(Status.UTKAST)
        self.historikk: list[Status] = [Status.UTKAST]

    @rule(
        handling=st.sampled_from(list(Handling)),
        part=st.sampled_from(list(Part)),
        utfall=st.none() | st.sampled_from(list(Utfall)),
        med_frist=st.booleans(),
        begrunnelse=st.sampled_from(["", "Grunn"]),
        grunn=st.none() | st.sampled_from(list(Avvisningsgrunn)),
        har_foresporsel=st.booleans(),
    )
    def handle(self, handling, part, utfall, med_frist, begrunnelse, grunn, har_foresporsel):
        mulig = handling in mulige_handlinger(self.tilstand, part)
        try:
            ny = neste(
                self.tilstand,
                handling,
                part=part,
                idag=IDAG,
                utfall=utfall,
                frist=IDAG if med_frist else None,
                begrunnelse=begrunnelse,
                videresendt_til=7,
                avvisningsgrunn=grunn,
                har_foresporsel=har_foresporsel,
            )
        except UmuligOvergang:
            assert not mulig
            return
        except UgyldigOvergang:
            assert mulig
            return
        assert mulig
        if ny.status == Status.AVVIST and grunn == Avvisningsgrunn.MANGLER_OPPLYSNINGER:
            assert har_foresporsel
        if ny.utfall == Utfall.RETT and handling == Handling.VURDER:
            assert med_frist
        if handling == Handling.TREKK:
            assert part == Part.SENDER
        elif handling != Handling.SEND:
            assert part == Part.MOTTAKER
        self.tilstand = ny
        self.historikk.append(ny.status)

    @invariant()
    def avsluttet_er_endelig(self) -> None:
        if self.tilstand.er_avsluttet:
            for part in Part:
                assert mulige_handlinger(self.tilstand, part) == []

    @invariant()
    def utfall_bare_etter_vurdering(self) -> None:
        if self.tilstand.status in {Status.VENTER, Status.STARTET, Status.AVSLUTTET}:
            assert self.tilstand.utfall == Utfall.RETT
        if self.tilstand.status in {Status.UTKAST, Status.SENDT, Status.MOTTATT}:
            assert self.tilstand.utfall is None

    @invariant()
    def aldri_tilbake_til_utkast(self) -> None:
        assert Status.UTKAST not in self.historikk[1:]


Livssyklus.TestCase.settings = hsettings(
    max_examples=200, stateful_step_count=15, deadline=None, database=None
)
test_livssyklus_tilstandsmaskin = Livssyklus.TestCase
