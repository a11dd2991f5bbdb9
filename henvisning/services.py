"""Writes for referrals: drafts, the lifecycle transitions, forespørsler, e-mail notices and the
removal of personal data. Every write runs in one transaction and logs who did what; e-mails go
out after commit (Celery) and carry a link only."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumFeil
from stdnum.no import fodselsnummer as fnr

from helsearbeid import oppgaver
from helsearbeid.typer import Bruker
from tilbud.models import Organisasjon, Rolle, Tilbud
from tilbud.selectors import UgyldigKode, UkjentKode, diagnose_slaa_opp

from . import frister, selectors
from .livssyklus import (
    Avvisningsgrunn,
    Handling,
    Part,
    Status,
    UgyldigOvergang,
    UmuligOvergang,
    Utfall,
    neste,
)
from .models import Foresporsel, Henvisning, Sjekkliste, Statusendring, kryptert_helsedata

REDIGERBARE_FELT = [
    "fodselsnummer", "navn", "diagnosekoder", "sykmeldt", "sykmelding_prosent", "sykmeldt_fra",
    "sporsmal", "arbeidssituasjon", "arbeidsgiverkontakt", "nav_kontakt", "samtykke",
    "sjekkliste",
]  # fmt: skip
_TEKSTFELT = ["sporsmal", "arbeidssituasjon", "arbeidsgiverkontakt", "nav_kontakt"]


class Konflikt(Exception):
    """The action is not possible in the referral's current state (HTTP 409)."""


def idag() -> date:
    return timezone.localdate()


def mottaker_for(tilbud: Tilbud) -> Organisasjon:
    """Where the tilbud's referrals go. The mottak block decides when a coordinator has
    registered who assesses: that unit (an HF, the region's assessment unit RKE/RVE, or the
    provider itself) gets the referral in its inbox. Otherwise the catalogue's reading of the
    source: the provider; the HF (or ideell hospital) itself; or the region, which an RHF
    organisation stands for. A private provider reached through «the HF's intake», and an
    unknown route, go to the region, which routes on."""
    if tilbud.vurderes_av and tilbud.vurderingsenhet_id is not None:
        return tilbud.vurderingsenhet  # type: ignore[return-value]
    if tilbud.henvisning_til == Tilbud.HenvisningTil.LEVERANDOR:
        return tilbud.organisasjon
    if tilbud.henvisning_til == Tilbud.HenvisningTil.HF and tilbud.organisasjon.type in {
        Organisasjon.Type.HF,
        Organisasjon.Type.IDEELL,
    }:
        return tilbud.organisasjon
    return tilbud.rhf


# --------------------------------------------------------------------------- validation


def valider_fodselsnummer(verdi: str) -> str:
    """The number (11 digits) if it is a valid fødselsnummer or D-nummer, else ValidationError
    (the message never repeats the number)."""
    try:
        return fnr.validate(verdi)
    except StdnumFeil as feil:
        raise ValidationError(
            "Ugyldig fødselsnummer eller D-nummer (11 sifre med kontrollsiffer).",
            code="ugyldig_fodselsnummer",
        ) from feil


def _valider_koder(koder: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    lagret: list[dict[str, str]] = []
    grupper: set[int] = set()
    ukjente: list[str] = []
    for tekst in koder:
        try:
            oppslag = diagnose_slaa_opp(tekst)
        except (UgyldigKode, UkjentKode):
            ukjente.append(tekst)
            continue
        treff = oppslag.treff[0]
        lagret.append({"kodeverk": treff.kodeverk, "kode": treff.kode, "tittel": treff.tittel})
        grupper |= oppslag.malgruppe_ider
    if ukjente:
        raise ValidationError(
            "Ukjent diagnosekode: %(koder)s (bruk ICPC-2 eller ICD-10).",
            params={"koder": ", ".join(ukjente)},
            code="ukjent_kode",
        )
    from tilbud.models import Malgruppe

    slugs = sorted(Malgruppe.objects.filter(pk__in=grupper).values_list("slug", flat=True))
    return lagret, slugs


def _bruk_data(henvisning: Henvisning, data: dict[str, Any], *, dag: date) -> None:
    """Validate and set the given fields; ValidationError names every bad field."""
    feil: dict[str, list[str]] = {}

    def legg_til(felt: str, e: ValidationError) -> None:
        feil.setdefault(felt, []).extend(e.messages)

    if "fodselsnummer" in data:
        verdi = (data["fodselsnummer"] or "").strip()
        try:
            henvisning.sett_fodselsnummer(valider_fodselsnummer(verdi) if verdi else "")
        except ValidationError as e:
            legg_til("fodselsnummer", e)
    if "navn" in data:
        henvisning.sett_navn(data["navn"] or "")
    if "diagnosekoder" in data:
        try:
            henvisning.diagnosekoder, henvisning.diagnosegrupper = _valider_koder(
                [k for k in data["diagnosekoder"] or [] if str(k).strip()]
            )
        except ValidationError as e:
            legg_til("diagnosekoder", e)
    for felt in ["sykmeldt", "sykmelding_prosent", "sykmeldt_fra", "samtykke", *_TEKSTFELT]:
        if felt in data:
            setattr(henvisning, felt, data[felt])
    if "sjekkliste" in data:
        # The points the GP ticked; the referral keeps every point of the tilbud's checklist as
        # it stands now, ticked or not.
        punkter = selectors.sjekkliste_for(henvisning.tilbud)
        avkrysset = {str(p).strip() for p in data["sjekkliste"] or []}
        if avkrysset - set(punkter):
            feil["sjekkliste"] = ["Avkrysset punkt som ikke står i tilbudets sjekkliste."]
        else:
            henvisning.sjekkliste = _sjekkliste(punkter, avkrysset)
    if henvisning.samtykke is None:
        henvisning.samtykke = False
    for felt in _TEKSTFELT:
        setattr(henvisning, felt, (getattr(henvisning, felt) or "").strip())
    if henvisning.sykmeldt is False:
        henvisning.sykmelding_prosent = None
        henvisning.sykmeldt_fra = None
    prosent = henvisning.sykmelding_prosent
    if prosent is not None and not 0 <= prosent <= 100:
        feil.setdefault("sykmelding_prosent", []).append("Sykmeldingsgraden er 0–100 %.")
    if henvisning.sykmeldt_fra and henvisning.sykmeldt_fra > dag:
        feil.setdefault("sykmeldt_fra", []).append("Datoen kan ikke ligge i fremtiden.")
    if feil:
        raise ValidationError(feil)


def _sjekkliste(punkter: list[str], avkrysset: set[str]) -> list[dict[str, Any]]:
    return [{"punkt": p, "avkrysset": p in avkrysset} for p in punkter]


def _krev_komplett(henvisning: Henvisning) -> None:
    """What a referral must hold before it can be sent."""
    feil: dict[str, str] = {}
    if not henvisning.fodselsnummer_kryptert:
        feil["fodselsnummer"] = "Fødselsnummer eller D-nummer må fylles ut."
    if not henvisning.navn_kryptert:
        feil["navn"] = "Pasientens navn må fylles ut."
    if not henvisning.diagnosekoder:
        feil["diagnosekoder"] = "Oppgi minst én diagnosekode (ICPC-2 eller ICD-10)."
    if not henvisning.sporsmal:
        feil["sporsmal"] = "Skriv spørsmålet til spesialisten."
    if henvisning.sykmeldt is None:
        feil["sykmeldt"] = "Oppgi om pasienten er sykmeldt."
    elif henvisning.sykmeldt:
        if henvisning.sykmelding_prosent is None:
            feil["sykmelding_prosent"] = "Oppgi sykmeldingsgraden."
        if henvisning.sykmeldt_fra is None:
            feil["sykmeldt_fra"] = "Oppgi fra hvilken dato pasienten er sykmeldt."
    if not henvisning.samtykke:
        feil["samtykke"] = "Pasienten må ha samtykket før henvisningen sendes."
    if feil:
        raise ValidationError(feil)


# --------------------------------------------------------------------------- drafts

TOMT_UTKAST = (
    "Et utkast må ha pasientens fødselsnummer eller navn, en diagnosekode eller en tekst "
    "før det kan lagres."
)


def utkast_har_innhold(henvisning: Henvisning) -> bool:
    """The minimum a draft must hold: the patient's identity (fødselsnummer or name) or
    clinical content the GP wrote (a diagnosis code or one of the free texts).

    Why this minimum: a draft exists to keep work the GP would otherwise lose, and to be found
    again in «Mine henvisninger». The identity says whom it is for; the codes and texts are the
    work. The rest (sykmeldt yes/no, grade, date, consent, checklist ticks) are a few clicks
    that mean nothing without a patient or a question, and a row holding only those is the
    «Pasient ()» nobody can tell apart. The same rule is a check constraint on the table."""
    return any(
        [
            henvisning.fodselsnummer_kryptert,
            henvisning.navn_kryptert,
            henvisning.diagnosekoder,
            *(getattr(henvisning, felt) for felt in _TEKSTFELT),
        ]
    )


def _krev_innhold(henvisning: Henvisning) -> None:
    if not utkast_har_innhold(henvisning):
        raise ValidationError(TOMT_UTKAST, code="tomt_utkast")


def _nytt_utkast(sender: Bruker, tilbud: Tilbud) -> Henvisning:
    rolle = sender.roller.get(type=Rolle.Type.HENVISER)
    return Henvisning(
        tilbud=tilbud,
        sender=sender,
        henvisertype=rolle.henvisertype,
        mottaker=mottaker_for(tilbud),
        rhf=tilbud.rhf,
    )


def _lagre_utkast(henvisning: Henvisning, sender: Bruker) -> Henvisning:
    ny = henvisning.pk is None
    henvisning.full_clean()
    henvisning.save()
    if ny:
        Statusendring.objects.create(
            henvisning=henvisning, fra_status="", til_status=Status.UTKAST, utfort_av=sender
        )
    return henvisning


def _utkast_for_endring(henvisning: Henvisning, part: Part) -> Henvisning:
    henvisning = Henvisning.objects.select_for_update().get(pk=henvisning.pk)
    if part != Part.SENDER or henvisning.status != Status.UTKAST:
        raise Konflikt("Bare et utkast kan endres, og bare av henviseren.")
    return henvisning


@transaction.atomic
def henvisning_opprett(*, sender: Bruker, tilbud: Tilbud, data: dict[str, Any]) -> Henvisning:
    """A new draft. The caller has checked that the sender may refer to the tilbud
    (henvisning.tilgang.tilbud_for_henvisning). An empty draft is refused (utkast_har_innhold)."""
    henvisning = _nytt_utkast(sender, tilbud)
    _bruk_data(henvisning, data, dag=idag())
    _krev_innhold(henvisning)
    return _lagre_utkast(henvisning, sender)


@transaction.atomic
def henvisning_oppdater(
    *, henvisning: Henvisning, bruker: Bruker, part: Part, data: dict[str, Any]
) -> Henvisning:
    """Change a draft. Only the sender, only while it is a draft; it may not become empty."""
    henvisning = _utkast_for_endring(henvisning, part)
    _bruk_data(henvisning, data, dag=idag())
    _krev_innhold(henvisning)
    return _lagre_utkast(henvisning, bruker)


def kapasitet_grunn(tilbud: Tilbud, dag: date) -> str | None:
    """Why the GP is asked to confirm: the tilbud takes no new patients now; else None."""
    if not tilbud.tar_ikke_imot_nye(dag):
        return None
    grunn = _("Tilbudet tar ikke imot nye pasienter nå")
    if tilbud.tar_imot_nye_dato:
        grunn += " " + _("(oppgitt %(dato)s)") % {
            "dato": tilbud.tar_imot_nye_dato.strftime("%d.%m.%Y")
        }
    if tilbud.tar_imot_nye_til:
        grunn += ", " + _("til og med %(dato)s") % {
            "dato": tilbud.tar_imot_nye_til.strftime("%d.%m.%Y")
        }
    return grunn + "."


def _krev_kapasitet_bekreftet(h: Henvisning, *, bekreftet: bool, dag: date) -> None:
    grunn = kapasitet_grunn(h.tilbud, dag)
    if grunn is None:
        return
    if not bekreftet:
        raise ValidationError(
            {"bekreft_kapasitet": grunn + " " + _("Bekreft at du vil sende henvisningen likevel.")}
        )
    h.sendt_tross_kapasitet = True


@transaction.atomic
def henvisning_lagre_og_send(
    *,
    sender: Bruker,
    data: dict[str, Any],
    tilbud: Tilbud | None = None,
    henvisning: Henvisning | None = None,
    part: Part = Part.SENDER,
) -> Henvisning:
    """«Send henvisningen» from the form: a new referral to `tilbud`, or the draft `henvisning`
    with `data` applied, checked complete, saved and sent in one transaction. When it is not
    complete, nothing is stored, not even a draft: the GP gets every missing field at once and
    decides whether to «Lagre utkast»."""
    if henvisning is None:
        if tilbud is None:
            raise ValueError("tilbud or henvisning")
        h = _nytt_utkast(sender, tilbud)
    else:
        h = _utkast_for_endring(henvisning, part)
    feil: dict[str, list[str]] = {}
    try:
        _bruk_data(h, data, dag=idag())
    except ValidationError as e:
        feil = dict(e.message_dict)
    try:
        _krev_komplett(h)
    except ValidationError as e:
        # A field given in a bad shape keeps that message, not also «må fylles ut».
        for felt, meldinger in e.message_dict.items():
            feil.setdefault(felt, meldinger)
    if feil:
        raise ValidationError(feil)
    _lagre_utkast(h, sender)
    return henvisning_overgang(
        henvisning=h,
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.SEND,
        bekreft_kapasitet=bool(data.get("bekreft_kapasitet")),
    )


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class Vurdering:
    utfall: Utfall | None = None
    frist: date | None = None
    begrunnelse: str = ""
    videresendt_til: Tilbud | None = None
    avvisningsgrunn: Avvisningsgrunn | None = None


@transaction.atomic
def henvisning_overgang(
    *,
    henvisning: Henvisning,
    bruker: Bruker,
    part: Part,
    handling: Handling,
    vurdering: Vurdering | None = None,
    bekreft_kapasitet: bool = False,
) -> Henvisning:
    """One lifecycle transition, checked by henvisning.livssyklus, logged (who, when, from, to,
    reason), with the e-mail notices after commit. Sending to a tilbud that takes no new
    patients needs `bekreft_kapasitet` (ValidationError with the reason otherwise)."""
    vurdering = vurdering or Vurdering()
    h = Henvisning.objects.select_for_update().select_related("tilbud").get(pk=henvisning.pk)
    dag = idag()
    try:
        ny = neste(
            h.tilstand,
            handling,
            part=part,
            idag=dag,
            utfall=vurdering.utfall,
            frist=vurdering.frist,
            begrunnelse=vurdering.begrunnelse,
            videresendt_til=vurdering.videresendt_til.pk if vurdering.videresendt_til else None,
            avvisningsgrunn=vurdering.avvisningsgrunn,
            har_foresporsel=h.foresporsler.exists(),
        )
    except UmuligOvergang as feil:
        raise Konflikt(str(feil)) from feil
    except UgyldigOvergang as feil:
        raise ValidationError({feil.felt: feil.melding}) from feil
    naa = timezone.now()
    fra = h.status
    if handling == Handling.SEND:
        _krev_komplett(h)
        _krev_kapasitet_bekreftet(h, bekreftet=bekreft_kapasitet, dag=dag)
        h.sendt = naa
        if not h.sjekkliste:
            # Never filled in: the receiver still sees which points the referral was asked for.
            h.sjekkliste = _sjekkliste(selectors.sjekkliste_for(h.tilbud), set())
        # The deadline counts from when the referral is sent, not from «Registrer som mottatt».
        # Pasient- og brukerrettighetsloven § 2-2 gives 10 working days from when the referral
        # «er mottatt av spesialisthelsetjenesten»; a portal referral is in the receiving unit's
        # inbox the moment it is sent, so that is when it is received. The unit's acknowledgement
        # (MOTTA) must not move the deadline, or opening the inbox late would extend it.
        h.vurderingsfrist = frister.vurderingsfrist(dag)
        # The same day is the formal receipt date (HIS 1206 mottattDato) and, for a referral
        # no receiver had before, its seniority (ansiennitetsdato).
        h.mottatt_dato = dag
        h.ansiennitetsdato = h.ansiennitetsdato or dag
    elif handling == Handling.MOTTA:
        h.mottatt = naa
    elif handling == Handling.VURDER:
        h.vurdert = naa
        h.utfall = ny.utfall.value if ny.utfall else ""
        if ny.utfall == Utfall.RETT:
            h.frist = vurdering.frist
        elif ny.utfall == Utfall.VIDERESENDT:
            _videresend(h, vurdering.videresendt_til, bruker)
    elif handling == Handling.AVVIS:
        h.avvisningsgrunn = vurdering.avvisningsgrunn.value if vurdering.avvisningsgrunn else ""
    if vurdering.begrunnelse.strip() and handling in {
        Handling.VURDER,
        Handling.AVVIS,
        Handling.TREKK,
    }:
        h.begrunnelse = vurdering.begrunnelse.strip()
    h.status = ny.status.value
    if ny.er_avsluttet:
        h.lukket = naa
    h.full_clean()
    h.save()
    Statusendring.objects.create(
        henvisning=h,
        fra_status=fra,
        til_status=h.status,
        utfort_av=bruker,
        begrunnelse=vurdering.begrunnelse.strip(),
    )
    _varsle_etter_commit(h, handling)
    # The regional summaries count referrals: rapporter.signals sees the Statusendring above and
    # schedules one debounced rebuild after commit.
    return h


def _videresend(h: Henvisning, tilbud: Tilbud | None, bruker: Bruker) -> Henvisning:
    if tilbud is None or not selectors.kan_videresendes_til(h, tilbud):
        raise ValidationError(
            {
                "videresendt_til": "Velg et annet tilbud som er aktivt og tar imot henvisninger "
                "fra denne typen henviser."
            }
        )
    h.videresendt_til = tilbud
    kopi = Henvisning.objects.get(pk=h.pk)
    kopi.pk = None
    kopi.tilbud = tilbud
    kopi.mottaker = mottaker_for(tilbud)
    kopi.rhf = tilbud.rhf
    kopi.videresendt_fra = h
    kopi.status = Status.SENDT
    kopi.utfall = ""
    kopi.frist = None
    kopi.mottatt = kopi.vurdert = kopi.lukket = None
    kopi.sendt = timezone.now()
    # Forwarding happens inside the specialist health service, which has had the referral since
    # it was first sent: the clock keeps running (the copy keeps the original deadline).
    kopi.vurderingsfrist = h.vurderingsfrist or frister.vurderingsfrist(idag())
    # The new receiver's own receipt date; the seniority stays the first receiver's (HIS 1208).
    kopi.mottatt_dato = idag()
    kopi.ansiennitetsdato = h.ansiennitetsdato or h.mottatt_dato or kopi.mottatt_dato
    kopi.sjekkliste = []  # the checklist was the first tilbud's
    kopi.save()
    Statusendring.objects.create(
        henvisning=kopi,
        fra_status="",
        til_status=Status.SENDT,
        utfort_av=bruker,
        begrunnelse=f"Videresendt fra henvisning {h.pk}.",
    )
    _varsle_etter_commit(kopi, Handling.SEND)
    return kopi


# --------------------------------------------------------------------------- checklists


@transaction.atomic
def sjekkliste_lagre(*, tilbud: Tilbud, bruker: Bruker, punkter: list[str]) -> Sjekkliste:
    """Replace the tilbud's checklist. The caller has checked that the user may edit the tilbud
    (tilbud.tilgang.kan_endre: the region's coordinator or an administrator). Blank points are
    dropped, spaces tidied and repeats removed; the model checks count and length."""
    renset: list[str] = []
    for punkt in punkter:
        tekst = " ".join(str(punkt).split())
        if tekst and tekst not in renset:
            renset.append(tekst)
    sjekkliste = Sjekkliste.objects.select_for_update().filter(tilbud=tilbud).first()
    if sjekkliste is None:
        sjekkliste = Sjekkliste(tilbud=tilbud)
    sjekkliste.punkter = renset
    sjekkliste.endret_av = bruker
    sjekkliste.full_clean()
    sjekkliste.save()
    return sjekkliste


# --------------------------------------------------------------------------- forespørsler


@transaction.atomic
def foresporsel_opprett(
    *, henvisning: Henvisning, bruker: Bruker, part: Part, sporsmal: str
) -> Foresporsel:
    """The receiver asks the sender for missing information (before assessing)."""
    if part != Part.MOTTAKER or henvisning.status not in {Status.SENDT, Status.MOTTATT}:
        raise Konflikt("Bare mottakeren kan be om opplysninger, og bare før vurderingen.")
    if not sporsmal.strip():
        raise ValidationError({"sporsmal": "Skriv hva som mangler."})
    foresporsel = Foresporsel.objects.create(
        henvisning=henvisning, sporsmal=sporsmal.strip(), spurt_av=bruker
    )
    Statusendring.objects.create(
        henvisning=henvisning,
        fra_status=henvisning.status,
        til_status=henvisning.status,
        utfort_av=bruker,
        begrunnelse="Forespørsel om opplysninger sendt til henviseren.",
    )
    _paa_commit("henvisning.tasks.varsle_sender", henvisning.pk)
    return foresporsel


@transaction.atomic
def foresporsel_besvar(
    *, henvisning: Henvisning, foresporsel_id: Any, bruker: Bruker, part: Part, svar: str
) -> Foresporsel:
    foresporsel = (
        Foresporsel.objects.select_for_update()
        .filter(pk=foresporsel_id, henvisning=henvisning)
        .first()
    )
    if foresporsel is None:
        from django.http import Http404

        raise Http404("Finnes ikke.")
    if part != Part.SENDER or foresporsel.besvart is not None:
        raise Konflikt("Forespørselen er allerede besvart, eller du er ikke henviseren.")
    if Henvisning.objects.get(pk=henvisning.pk).tilstand.er_avsluttet:
        raise Konflikt("Henvisningen er avsluttet.")
    if not svar.strip():
        raise ValidationError({"svar": "Skriv et svar."})
    foresporsel.svar = svar.strip()
    foresporsel.besvart_av = bruker
    foresporsel.besvart = timezone.now()
    foresporsel.save()
    _paa_commit("henvisning.tasks.varsle_mottaker", henvisning.pk)
    return foresporsel


# --------------------------------------------------------------------------- notices


def _paa_commit(oppgave: str, henvisning_id: int) -> None:
    """Queue the e-mail task once the change has committed. The referral never waits for the
    e-mail: the worker sends it (and retries, henvisning.tasks), and `robust` keeps a broker that
    is down from turning an already committed referral into an error page (it is logged; the
    portal shows the status either way). HENVISNING_KO names a queue of its own (tests)."""
    ko = getattr(settings, "HENVISNING_KO", "")
    valg = {"queue": ko} if ko else {}
    oppgaver.send_etter_commit(oppgave, henvisning_id, robust=True, **valg)


def _varsle_etter_commit(h: Henvisning, handling: Handling) -> None:
    if handling == Handling.SEND:
        _paa_commit("henvisning.tasks.varsle_mottaker", h.pk)
    else:
        _paa_commit("henvisning.tasks.varsle_sender", h.pk)


def _lenke(navn: str, **kwargs: Any) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse(navn, kwargs=kwargs)


def varsel_send_mottaker(*, henvisning_id: int) -> int:
    """E-mail everyone at the receiving unit: a link to the inbox, no health data."""
    h = Henvisning.objects.filter(pk=henvisning_id).first()
    if h is None or h.status == Status.UTKAST:
        return 0
    adresser = list(
        Rolle.objects.filter(type=Rolle.Type.MOTTAKER, organisasjon_id=h.mottaker_id)
        .exclude(bruker__email="")
        .values_list("bruker__email", flat=True)
    )
    if not adresser:
        return 0
    return send_mail(
        "Helse og arbeid: ny aktivitet i innboksen for henvisninger",
        "Det er ny aktivitet på en henvisning til enheten deres.\n\n"
        f"Logg inn for å se den: {_lenke('henvisning:innboks')}\n\n"
        "Av personvernhensyn står det ingen opplysninger om pasienten i denne e-posten.",
        None,
        adresser,
    )


def varsel_send_sender(*, henvisning_id: int) -> int:
    """E-mail the sender that their referral has news: a link only."""
    h = Henvisning.objects.select_related("sender").filter(pk=henvisning_id).first()
    if h is None or not h.sender.email:
        return 0
    return send_mail(
        "Helse og arbeid: ny status på en henvisning",
        "En henvisning du har sendt har fått ny status eller en forespørsel.\n\n"
        f"Logg inn for å se den: {_lenke('henvisning:detalj', pk=h.pk)}\n\n"
        "Av personvernhensyn står det ingen opplysninger om pasienten i denne e-posten.",
        None,
        [h.sender.email],
    )


# --------------------------------------------------------------------------- removal


@transaction.atomic
def personopplysninger_slett(*, henvisning: Henvisning) -> Henvisning:
    """Empty every personal field; keep status, dates, tilbud, region and diagnosis groups.
    Needs no key: the encrypted fields are emptied without being decrypted first."""
    h = Henvisning.objects.select_for_update().defer(*kryptert_helsedata()).get(pk=henvisning.pk)
    h.fodselsnummer_kryptert = h.fodselsnummer_hash = h.navn_kryptert = ""
    h.diagnosekoder = []
    h.sykmeldt = h.sykmelding_prosent = h.sykmeldt_fra = None
    for felt in [*_TEKSTFELT, "begrunnelse"]:
        setattr(h, felt, "")
    h.sjekkliste = []
    h.personopplysninger_slettet = timezone.now()
    h.save()
    h.foresporsler.update(sporsmal="", svar="")
    h.statusendringer.update(begrunnelse="")
    return h


def slett_utlopte_personopplysninger(*, naa: Any = None) -> int:
    """Referrals ended more than HENVISNING_SLETT_ETTER_DAGER ago (and drafts left untouched as
    long): remove their personal data. Idempotent."""
    naa = naa or timezone.now()
    dager = getattr(settings, "HENVISNING_SLETT_ETTER_DAGER", 365)
    grense = naa - timedelta(days=dager)
    utlopte = Henvisning.objects.filter(personopplysninger_slettet__isnull=True).filter(
        Q(lukket__lt=grense) | Q(status=Status.UTKAST, endret__lt=grense)
    )
    antall = 0
    for h in utlopte.only("pk"):
        personopplysninger_slett(henvisning=h)
        antall += 1
    return antall
