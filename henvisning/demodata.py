"""Demo users for every role and a handful of demo referrals, for `make run` (the command
`manage.py lag_demodata`), so that a newcomer can log in as each role and find something in the
inbox, in «Mine henvisninger» and in the referral figures.

Usernames (password `demo` for all):
- `fastlege` (henviser, fastlege), `analytiker`, `admin` (administrator; also Django admin);
- per RHF, with the suffix `sor-ost`, `vest`, `midt`, `nord`: `koordinator-<r>` (the RHF),
  `mottaker-<r>` (the unit that receives the demo referrals to a tilbud in the region) and
  `redaktor-<r>` (tilbudsredaktør for that tilbud's organisation).

Every demo user has an e-mail address under DEMO_DOMENE: that, or a demo username whose password
is `demo`, is what the deploy check (DEMO_SJEKK_ID) refuses in production. The referrals go
through the real services (henvisning.services), so they hold what a real one does; only the
overdue one has its dates moved back afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError, transaction
from stdnum.no import fodselsnummer as fnr

from tilbud.models import Organisasjon, Rolle, Tilbud

from . import frister, services
from .livssyklus import Avvisningsgrunn, Handling, Part, Utfall
from .models import Henvisning

DEMO_PASSORD = "demo"
DEMO_DOMENE = "demo.invalid"
DEMO_SJEKK_ID = "helsearbeid.E020"
# RHF code → the suffix in the usernames.
REGIONER = {"HSO": "sor-ost", "HV": "vest", "HMN": "midt", "HN": "nord"}
FELLES = ["fastlege", "analytiker", "admin"]
DEMO_HPR = "9000001"
REGIONALE = ["koordinator", "mottaker", "redaktor"]


def demobrukernavn() -> list[str]:
    """Every demo username, in the order the banner and the README list them."""
    return [
        "fastlege",
        *(f"{rolle}-{r}" for rolle in REGIONALE for r in REGIONER.values()),
        "analytiker",
        "admin",
    ]


class DemodataNektet(Exception):
    """Demo data is for development only (DEBUG)."""


@dataclass
class Resultat:
    nye_brukere: int = 0
    nye_henvisninger: int = 0


def _bruker(
    brukernavn: str, fornavn: str, etternavn: str, skriv: Callable[[str], None], res: Resultat
) -> Any | None:
    """The demo user, made with password `demo` the first time; None when a user with that
    name exists that is not a demo user (a real «admin»): it is left as it is."""
    Bruker = get_user_model()
    bruker, ny = Bruker.objects.get_or_create(
        username=brukernavn,
        defaults={
            "first_name": fornavn,
            "last_name": etternavn,
            "email": f"{brukernavn}@{DEMO_DOMENE}",
        },
    )
    if ny:
        bruker.set_password(DEMO_PASSORD)
        bruker.save(update_fields=["password"])
        res.nye_brukere += 1
        skriv(f"  + bruker {brukernavn}")
    elif not bruker.email.lower().endswith(f"@{DEMO_DOMENE}"):
        skriv(f"  ! {brukernavn} finnes alt og er ikke en demobruker: ikke endret")
        return None
    return bruker


def _rolle(bruker: Any | None, type_: str, **omfang: Any) -> None:
    # One role per type and user (the model's constraint); the scope is set when it is made.
    if bruker is not None:
        Rolle.objects.get_or_create(bruker=bruker, type=type_, defaults=omfang)


def _tilbud_for(rhf: Organisasjon, fastlege: Any) -> Tilbud:
    """The region's demo tilbud: active, open to a fastlege's referrals, preferably one whose
    referrals go to a unit (not the regional assessment unit), the lowest id for stability."""
    kandidater = [
        t
        for t in Tilbud.objects.aktive()
        .filter(rhf=rhf)
        .select_related("organisasjon", "rhf")
        .order_by("pk")
        if fastlege.has_perm("henvisning.add_henvisning", t)
    ]
    if not kandidater:
        raise DemodataNektet(f"Fant ikke et aktivt tilbud i {rhf.navn} som tar imot henvisninger.")
    return next((t for t in kandidater if services.mottaker_for(t) != rhf), kandidater[0])


def _fodselsnummer(n: int) -> str:
    """A synthetic fødselsnummer with valid check digits (born 1970–1989, never a real
    person's on purpose; the referral stores it encrypted)."""
    for individ in range(100 + n * 7, 500):
        grunnlag = f"{(n % 28) + 1:02d}{(n % 12) + 1:02d}{70 + n % 20:02d}{individ:03d}"
        forste = fnr.calc_check_digit1(grunnlag)
        nummer = grunnlag + forste + fnr.calc_check_digit2(grunnlag + forste)
        # A check digit of 10 has no number: try the next individual number.
        if fnr.is_valid(nummer):
            return nummer
    raise RuntimeError("Fant ikke et gyldig syntetisk fødselsnummer.")


def _data(n: int, koder: list[str]) -> dict[str, Any]:
    return {
        "fodselsnummer": _fodselsnummer(n),
        "navn": f"Demo Pasient {n}",
        "diagnosekoder": koder,
        "sykmeldt": True,
        "sykmelding_prosent": 50,
        "sykmeldt_fra": services.idag() - timedelta(days=30 + n),
        "sporsmal": "Demo: arbeidsrettet vurdering og behandling ønskes.",
        "arbeidssituasjon": "Demo: 50 % sykmeldt fra kontorjobb.",
        "samtykke": True,
    }


# The demo referrals per region: the steps after «Send». (state, steps)
FORLOP: dict[str, list[tuple[str, list[str]]]] = {
    "sor-ost": [("utkast", []), ("sendt", ["send"]), ("forfalt", ["send", "forfall"])],
    "vest": [("mottatt", ["send", "motta"]), ("rett", ["send", "motta", "rett"])],
    "midt": [("ikke rett", ["send", "motta", "ikke_rett"]), ("avvist", ["send", "avvis"])],
    "nord": [("startet", ["send", "motta", "rett", "start"]), ("forfalt", ["send", "forfall"])],
}


def _steg(h: Henvisning, steg: str, fastlege: Any, mottaker: Any) -> Henvisning:
    def overgang(handling: Handling, part: Part, **vurdering: Any) -> Henvisning:
        return services.henvisning_overgang(
            henvisning=h,
            bruker=fastlege if part == Part.SENDER else mottaker,
            part=part,
            handling=handling,
            vurdering=services.Vurdering(**vurdering),
        )

    if steg == "send":
        return overgang(Handling.SEND, Part.SENDER)
    if steg == "motta":
        return overgang(Handling.MOTTA, Part.MOTTAKER)
    if steg == "rett":
        return overgang(
            Handling.VURDER,
            Part.MOTTAKER,
            utfall=Utfall.RETT,
            frist=services.idag() + timedelta(days=60),
        )
    if steg == "ikke_rett":
        return overgang(
            Handling.VURDER,
            Part.MOTTAKER,
            utfall=Utfall.IKKE_RETT,
            begrunnelse="Demo: tilstanden kan følges opp hos fastlegen.",
        )
    if steg == "avvis":
        return overgang(
            Handling.AVVIS,
            Part.MOTTAKER,
            avvisningsgrunn=Avvisningsgrunn.UTENFOR_MALGRUPPE,
            begrunnelse="Demo: utenfor tilbudets målgruppe.",
        )
    if steg == "start":
        return overgang(Handling.START, Part.MOTTAKER)
    if steg == "forfall":
        # Sent three weeks ago: past the 10-working-day deadline, first in the inbox. The only
        # thing not done through the services (they always use today's date).
        sendt = services.idag() - timedelta(days=21)
        Henvisning.objects.filter(pk=h.pk).update(
            sendt=h.sendt - timedelta(days=21), vurderingsfrist=frister.vurderingsfrist(sendt)
        )
        h.refresh_from_db()
        return h
    raise ValueError(steg)


def lag_demodata(*, skriv: Callable[[str], None] = lambda _t: None) -> Resultat:
    """Make the demo users, their roles and the demo referrals; idempotent (what exists is
    left as it is, the referrals are made only when the demo GP has none)."""
    if not settings.DEBUG:
        raise DemodataNektet(
            "Demodata lages bare i utvikling (DEBUG=1, helsearbeid.settings.dev), aldri i "
            "produksjon."
        )
    res = Resultat()
    with transaction.atomic():
        skriv("Demobrukere (passord «demo»):")
        fastlege = _bruker("fastlege", "Fanny", "Fastlege", skriv, res)
        if fastlege is None:
            raise DemodataNektet("Brukeren «fastlege» finnes alt og er ikke en demobruker.")
        _rolle(
            fastlege,
            Rolle.Type.HENVISER,
            henvisertype=Rolle.Henvisertype.FASTLEGE,
            # Made up, and marked so: the receiver's inbox shows who referred.
            hpr_nummer=DEMO_HPR,
            praksis="Demolegekontoret (ikke ekte)",
            telefon="+4700000000",
        )
        analytiker = _bruker("analytiker", "Anders", "Analytiker", skriv, res)
        _rolle(analytiker, Rolle.Type.ANALYTIKER)
        admin = _bruker("admin", "Ada", "Administrator", skriv, res)
        if admin is not None and not (admin.is_staff and admin.is_superuser):
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        _rolle(admin, Rolle.Type.ADMINISTRATOR)

        regioner: dict[str, tuple[Tilbud, Any]] = {}
        for kode, r in REGIONER.items():
            rhf = Organisasjon.objects.get(type=Organisasjon.Type.RHF, kode=kode)
            tilbud = _tilbud_for(rhf, fastlege)
            koordinator = _bruker(f"koordinator-{r}", "Koordinator", rhf.navn, skriv, res)
            _rolle(koordinator, Rolle.Type.KOORDINATOR, rhf=rhf)
            mottak = services.mottaker_for(tilbud)
            mottaker = _bruker(f"mottaker-{r}", "Mottak", mottak.navn[:150], skriv, res)
            _rolle(mottaker, Rolle.Type.MOTTAKER, organisasjon=mottak)
            redaktor = _bruker(
                f"redaktor-{r}", "Redaktør", tilbud.organisasjon.navn[:150], skriv, res
            )
            _rolle(redaktor, Rolle.Type.TILBUDSREDAKTOR, organisasjon=tilbud.organisasjon)
            if mottaker is None:
                raise DemodataNektet(
                    f"Brukeren «mottaker-{r}» finnes alt og er ikke en demobruker."
                )
            regioner[r] = (tilbud, mottaker)
            skriv(f"  {rhf.navn}: tilbud «{tilbud.navn}», henvisningene går til {mottak.navn}")

    if Henvisning.objects.filter(sender=fastlege).exists():
        skriv("Demohenvisningene finnes allerede.")
        return res
    skriv("Demohenvisninger:")
    koder = [["L86"], ["P76", "Z73.0"], ["L83"], ["P74"], ["L86", "P76"], ["F43.2"], ["M54.5"]]
    n = 0
    for r, forlop in FORLOP.items():
        tilbud, mottaker = regioner[r]
        for tilstand, steg in forlop:
            with transaction.atomic():
                h = services.henvisning_opprett(
                    sender=fastlege, tilbud=tilbud, data=_data(n + 1, koder[n % len(koder)])
                )
                for s in steg:
                    h = _steg(h, s, fastlege, mottaker)
            n += 1
            res.nye_henvisninger += 1
            skriv(f"  + {tilstand} til {tilbud.navn} (nr. {h.pk})")
    return res


# ------------------------------------------------------------------------------- deploy check


def demobrukere_som_finnes() -> list[str]:
    """Usernames of active demo users in the database: a demo e-mail address, or a demo
    username that still has the password `demo`. (Deactivated ones cannot log in; they stay,
    because referrals and their history point to them.)"""
    aktive = get_user_model().objects.filter(is_active=True)
    funnet = set(
        aktive.filter(email__iendswith=f"@{DEMO_DOMENE}").values_list("username", flat=True)
    )
    for bruker in aktive.filter(username__in=demobrukernavn()).exclude(username__in=funnet):
        if bruker.check_password(DEMO_PASSORD):
            funnet.add(bruker.username)
    return sorted(funnet)


@checks.register(checks.Tags.security, deploy=True)
def sjekk_demobrukere(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy` fails while a demo user (password `demo`) exists."""
    try:
        navn = demobrukere_som_finnes()
    except DatabaseError:
        # No database (or no tables yet) to look in: nothing to refuse.
        return []
    if not navn:
        return []
    return [
        checks.Error(
            f"Demobrukere med passordet «demo» finnes: {', '.join(navn)}.",
            hint=(
                "De er laget av `manage.py lag_demodata` for utvikling og har et kjent passord. "
                "Deaktiver dem i admin (Brukere › Aktiv), eller bruk en database uten demodata, "
                "før portalen settes i drift."
            ),
            id=DEMO_SJEKK_ID,
        )
    ]
