"""Reads for referrals: the sender's list, the receiver's inbox and overdue worklist, counts of
overdue referrals per unit (for coordinators and analysts: never the referrals themselves)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helsearbeid.typer import Bruker, MuligBruker
from tilbud.models import Rolle, Tilbud
from tilbud.rules import er_administrator, er_analytiker
from tilbud.selectors import UgyldigKode, UkjentKode, diagnose_slaa_opp

from .livssyklus import Part, Tilstand, mulige_handlinger
from .models import Henvisning, Sjekkliste, henviserroller, kryptert_helsedata
from .rules import henvisertype_godtas, mottaker_organisasjoner, rhf_for_koordinator

# Counts under this are shown as «under 5» to analysts (the small-cell rule of NPR/SSB).
SMA_CELLER = 5
VENTER_PA_VURDERING = ["sendt", "mottatt"]


def _liste(qs: QuerySet[Henvisning]) -> QuerySet[Henvisning]:
    # Lists show no health text: not decrypting it saves a Fernet operation per field and row,
    # and one unreadable referral does not take the whole inbox down (its page is the 503).
    # The sender and their henviser role come along (who referred: one query per page).
    return (
        qs.select_related("tilbud", "mottaker", "rhf", "sender")
        .prefetch_related(henviserroller())
        .defer(*kryptert_helsedata())
        .order_by("-endret", "-id")
    )


@dataclass(frozen=True)
class Henviser:
    """Who referred, as the receiving unit sees it: the sender's name and their henviser role's
    HPR-nummer, practice and phone (tilbud.models.Rolle). Empty strings where not given."""

    navn: str
    hpr_nummer: str
    praksis: str
    telefon: str
    henvisertype: str

    def som_dict(self) -> dict[str, str]:
        return {
            "navn": self.navn,
            "hpr_nummer": self.hpr_nummer,
            "praksis": self.praksis,
            "telefon": self.telefon,
            "henvisertype": self.henvisertype,
        }


def henviser(henvisning: Henvisning) -> Henviser:
    """The referrer of a referral the caller has already been allowed to see (lists from this
    module, or henvisning.tilgang.henvisning_for). Uses the prefetched role when there is one."""
    sender = henvisning.sender
    roller = getattr(sender, "henviserroller", None)
    if roller is None:
        roller = [r for r in sender.roller.all() if r.type == Rolle.Type.HENVISER]
    rolle = roller[0] if roller else None
    return Henviser(
        navn=sender.get_full_name() or sender.get_username(),
        hpr_nummer=rolle.hpr_nummer if rolle else "",
        praksis=rolle.praksis if rolle else "",
        telefon=rolle.telefon if rolle else "",
        henvisertype=henvisning.henvisertype,
    )


def henvisninger_sendt_av(bruker: Bruker) -> QuerySet[Henvisning]:
    """«Mine henvisninger»."""
    return _liste(Henvisning.objects.filter(sender=bruker))


def innboks(bruker: MuligBruker) -> QuerySet[Henvisning]:
    """Referrals sent to the user's receiving unit(s); drafts are never shown."""
    return _liste(
        Henvisning.objects.filter(mottaker_id__in=mottaker_organisasjoner(bruker)).exclude(
            status="utkast"
        )
    )


def _forfalt(idag: date) -> Q:
    return Q(status__in=VENTER_PA_VURDERING, vurderingsfrist__lt=idag)


def forfalte(bruker: MuligBruker, *, idag: date) -> QuerySet[Henvisning]:
    """The receiver's overdue worklist: not yet assessed and past the 10-working-day deadline,
    oldest deadline first."""
    return innboks(bruker).filter(_forfalt(idag)).order_by("vurderingsfrist", "id")


def forfalte_per_enhet(bruker: MuligBruker, *, idag: date) -> list[dict[str, Any]]:
    """Overdue referrals per receiving unit: a coordinator's region, or every region for analysts
    and administrators (analysts see small counts as «under 5»)."""
    qs = Henvisning.objects.filter(_forfalt(idag))
    if not (er_analytiker(bruker) or er_administrator(bruker)):
        qs = qs.filter(rhf_id__in=rhf_for_koordinator(bruker))
    skjul = er_analytiker(bruker) and not er_administrator(bruker)
    rader = (
        qs.values("mottaker_id", "mottaker__navn", "rhf__kode")
        .annotate(antall=Count("id"))
        .order_by("rhf__kode", "mottaker__navn")
    )
    return [
        {
            "mottaker_id": r["mottaker_id"],
            "mottaker": r["mottaker__navn"],
            "rhf": r["rhf__kode"],
            "antall": None if skjul and r["antall"] < SMA_CELLER else r["antall"],
            "antall_tekst": "under 5" if skjul and r["antall"] < SMA_CELLER else str(r["antall"]),
        }
        for r in rader
    ]


def handlinger_for(henvisning: Henvisning, part: Part) -> list[str]:
    tilstand: Tilstand = henvisning.tilstand
    return [h.value for h in mulige_handlinger(tilstand, part)]


# Referrals that hold the patient's place on (or on the way to) a tilbud's waiting list.
AKTIVE = Q(status__in=["sendt", "mottatt", "venter"]) | Q(status="vurdert", utfall="rett")

ANNEN_AKTIV_ADVARSEL = gettext_lazy(
    "Pasienten har allerede en aktiv henvisning til et annet tilbud. Under fritt "
    "behandlingsvalg kan en pasient stå på bare én venteliste om gangen: avklar med pasienten "
    "før du sender, og trekk den ene henvisningen om pasienten velger den andre."
)


def har_annen_aktiv_henvisning(henvisning: Henvisning) -> bool:
    """Does the patient stand on another tilbud's waiting list (or is referred to one)? Found
    by the keyed hash of the fødselsnummer, across every referrer; the answer is yes or no and
    nothing else, so no data from another GP's referral is ever shown."""
    if not henvisning.fodselsnummer_hash:
        return False
    return (
        Henvisning.objects.filter(AKTIVE, fodselsnummer_hash=henvisning.fodselsnummer_hash)
        .exclude(pk=henvisning.pk)
        .exclude(tilbud_id=henvisning.tilbud_id)
        .exists()
    )


def advarsler_for(henvisning: Henvisning, part: Part) -> list[str]:
    """Warnings for the sender of a referral not yet ended (the receiver routes on its own)."""
    if part != Part.SENDER or henvisning.status not in {"utkast", "sendt", "mottatt"}:
        return []
    return [str(ANNEN_AKTIV_ADVARSEL)] if har_annen_aktiv_henvisning(henvisning) else []


def er_forfalt(henvisning: Henvisning, *, idag: date) -> bool:
    return bool(
        henvisning.status in VENTER_PA_VURDERING
        and henvisning.vurderingsfrist
        and henvisning.vurderingsfrist < idag
    )


# --------------------------------------------------------------------------- forwarding


def kan_videresendes_til(henvisning: Henvisning, tilbud: Tilbud) -> bool:
    """A receiver may forward a referral to another tilbud that is active (confirmed in the
    catalogue, not ended), has not said it takes no referrals, and accepts the sender's kind of
    referrer (the forwarded referral keeps its sender)."""
    return (
        tilbud.pk != henvisning.tilbud_id
        and tilbud.status == Tilbud.Status.AKTIV
        and tilbud.tar_imot_henvisninger is not False
        and henvisertype_godtas(henvisning.henvisertype, tilbud.henvisere)
    )


def tilbud_for_videresending(henvisning: Henvisning) -> list[Tilbud]:
    """Every tilbud the referral may be forwarded to: the referral's own region first, then the
    other regions, by name within each. One query."""
    kandidater = (
        Tilbud.objects.aktive()
        .exclude(pk=henvisning.tilbud_id)
        .exclude(tar_imot_henvisninger=False)
        .select_related("organisasjon", "rhf")
        .only("id", "navn", "status", "tar_imot_henvisninger", "henvisere", "organisasjon",
              "organisasjon__navn", "rhf", "rhf__navn", "rhf__kode")
        .order_by("rhf__kode", "navn", "id")
    )  # fmt: skip
    valgt = [t for t in kandidater if kan_videresendes_til(henvisning, t)]
    return sorted(valgt, key=lambda t: t.rhf_id != henvisning.rhf_id)


def videresending_valg(henvisning: Henvisning) -> list[tuple[str, list[tuple[int, str]]]]:
    """The forwarding targets as grouped choices (region → tilbud) for a <select>."""
    grupper: dict[str, list[tuple[int, str]]] = {}
    for t in tilbud_for_videresending(henvisning):
        grupper.setdefault(t.rhf.navn, []).append((t.pk, f"{t.navn} – {t.organisasjon.navn}"))
    return list(grupper.items())


def videresending_tilbud(henvisning: Henvisning, tilbud_id: int | None) -> Tilbud | None:
    """The chosen forwarding target, or None when there is no such tilbud (the service then
    refuses with a field error, as for one that may not be chosen)."""
    if tilbud_id is None:
        return None
    return Tilbud.objects.select_related("rhf", "organisasjon").filter(pk=tilbud_id).first()


# --------------------------------------------------------------------------- checklists


def sjekkliste_for(tilbud: Tilbud) -> list[str]:
    """The tilbud's «what the referral should contain» points (empty when it has none)."""
    punkter = (
        Sjekkliste.objects.filter(tilbud=tilbud).values_list("punkter", flat=True).first() or []
    )
    return [str(p) for p in punkter]


# --------------------------------------------------------------------------- prefill from search

MAKS_KODER_FRA_SOK = 10


def diagnosekoder_fra_sok(verdier: list[str]) -> tuple[list[str], list[str]]:
    """The search's `diagnose` values (one or more, each possibly «L86, P76») split into the
    codes the code lists know, as typed (upper case), and the rest (a word such as «utbrent», a
    code that does not exist, garbage), which the form leaves out and names. At most
    MAKS_KODER_FRA_SOK of each; nothing here raises."""
    kjente: list[str] = []
    ukjente: list[str] = []
    for verdi in verdier:
        for tekst in str(verdi).split(","):
            tekst = " ".join(tekst.split())[:20]
            if not tekst or tekst.upper() in kjente or tekst in ukjente:
                continue
            try:
                diagnose_slaa_opp(tekst)
            except (UgyldigKode, UkjentKode):
                if len(ukjente) < MAKS_KODER_FRA_SOK:
                    ukjente.append(tekst)
                continue
            if len(kjente) < MAKS_KODER_FRA_SOK:
                kjente.append(tekst.upper())
    return kjente, ukjente


# --------------------------------------------------------------------------- status history

_HENDELSER = {
    "utkast": gettext_lazy("Utkast laget"),
    "sendt": gettext_lazy("Sendt"),
    "mottatt": gettext_lazy("Mottatt"),
    "vurdert": gettext_lazy("Vurdert"),
    "venter": gettext_lazy("Satt på venteliste"),
    "startet": gettext_lazy("Behandling startet"),
    "avsluttet": gettext_lazy("Avsluttet"),
    "trukket": gettext_lazy("Trukket"),
    "avvist": gettext_lazy("Avvist"),
}


def statuslogg(henvisning: Henvisning) -> list[dict[str, Any]]:
    """The status history in words, oldest first: «Sendt 03.12.2026 av Kari Lege». An entry
    that keeps the status is the only one the services write that way: a request for missing
    information (henvisning.services.foresporsel_opprett). One query."""
    linjer = []
    for s in henvisning.statusendringer.select_related("utfort_av"):
        if s.fra_status and s.fra_status == s.til_status:
            hendelse = str(_("Forespørsel om opplysninger sendt"))
        else:
            hendelse = str(_HENDELSER.get(s.til_status, s.til_status))
            if s.til_status == "vurdert" and henvisning.utfall:
                hendelse += ": " + str(henvisning.get_utfall_display()).lower()
        if s.utfort_av is None:
            av = str(_("portalen"))
        else:
            av = s.utfort_av.get_full_name() or s.utfort_av.get_username()
        dato = timezone.localtime(s.tidspunkt).strftime("%d.%m.%Y")
        linjer.append(
            {
                "tekst": _("%(hendelse)s %(dato)s av %(av)s")
                % {"hendelse": hendelse, "dato": dato, "av": av},
                "tidspunkt": s.tidspunkt,
                "fra": s.fra_status,
                "til": s.til_status,
                "begrunnelse": s.begrunnelse,
            }
        )
    return linjer
