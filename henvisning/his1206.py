"""Our referral states in the national vocabulary: «Status på henvisning» (HIS 1206:2018), as
Helsenorge renders it in FHIR (CodeSystem http://helsenorge.no/fhir/CodeSystem/henvisningsstatus,
NorskHelsenett/FHIRCodeAndMore). Our own states are richer (utkast, trukket, videresendt …) and
keep their names; this table says which national code each one is shown as, and why.

No database. One table (`TABELL`), read by the API, its OpenAPI schema, the pages and the
FHIR export.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .livssyklus import Avvisningsgrunn, Status, Utfall

KODESYSTEM = "http://helsenorge.no/fhir/CodeSystem/henvisningsstatus"


class His1206(StrEnum):
    MOTTATT = "mottatt"
    VURDERT_BEHOV = "vurdert-behov"
    VURDERT_IKKE_BEHOV = "vurdert-ikke-behov"
    AVVIST_MANGELFULL = "avvist-mangelfull"
    PLANLAGT = "planlagt"
    AVSLUTTET = "avsluttet"


# The display texts of the CodeSystem.
NAVN = {
    His1206.MOTTATT: gettext_lazy("Mottatt"),
    His1206.VURDERT_BEHOV: gettext_lazy("Vurdert – behov for helsehjelp"),
    His1206.VURDERT_IKKE_BEHOV: gettext_lazy("Vurdert – ikke behov for helsehjelp"),
    His1206.AVVIST_MANGELFULL: gettext_lazy("Avvist – mangelfull informasjon"),
    His1206.PLANLAGT: gettext_lazy("Planlagt"),
    His1206.AVSLUTTET: gettext_lazy("Avsluttet"),
}


@dataclass(frozen=True)
class Rad:
    """One of our states (a status, narrowed by the outcome or the reason for rejection where
    that decides) and the HIS 1206 code it is shown as; None: no code (nothing sent yet)."""

    status: Status
    kode: His1206 | None
    hvorfor: str
    utfall: Utfall | None = None
    grunn: Avvisningsgrunn | None = None

    @property
    def tilstand(self) -> str:
        """«vurdert/rett», «avvist/mangler_opplysninger», «sendt»."""
        if self.utfall:
            return f"{self.status.value}/{self.utfall.value}"
        if self.grunn:
            return f"{self.status.value}/{self.grunn.value}"
        return self.status.value


TABELL: tuple[Rad, ...] = (
    Rad(Status.UTKAST, None, "Not sent: no receiver has it, so there is no status to give."),
    Rad(
        Status.SENDT,
        His1206.MOTTATT,
        "A portal referral is in the receiving unit's inbox the moment it is sent; the law's "
        "10 working days run from then (mottatt_dato), acknowledged or not.",
    ),
    Rad(Status.MOTTATT, His1206.MOTTATT, "The unit has registered it as received."),
    Rad(
        Status.VURDERT,
        His1206.VURDERT_BEHOV,
        "Assessed with «rett til helsehjelp» and a frist for helsehjelp.",
        utfall=Utfall.RETT,
    ),
    Rad(
        Status.VURDERT,
        His1206.VURDERT_IKKE_BEHOV,
        "Assessed without right to (specialist) health care, with a reason.",
        utfall=Utfall.IKKE_RETT,
    ),
    Rad(
        Status.VURDERT,
        His1206.AVSLUTTET,
        "Videresendt: closed at this receiver; the forwarded copy carries on with its own status "
        "and keeps the ansiennitetsdato (HIS 1208).",
        utfall=Utfall.VIDERESENDT,
    ),
    Rad(
        Status.VENTER,
        His1206.PLANLAGT,
        "On the waiting list for treatment: help is planned (HIS 1206 has no waiting code).",
    ),
    Rad(
        Status.STARTET,
        His1206.PLANLAGT,
        "Treatment under way; HIS 1206 has no in-progress code and the referral is not closed "
        "until the course ends.",
    ),
    Rad(Status.AVSLUTTET, His1206.AVSLUTTET, "The course is finished."),
    Rad(Status.TRUKKET, His1206.AVSLUTTET, "Withdrawn by the sender: closed, nothing follows."),
    Rad(
        Status.AVVIST,
        His1206.AVVIST_MANGELFULL,
        "Rejected for missing information (only after asking the sender, as the law requires).",
        grunn=Avvisningsgrunn.MANGLER_OPPLYSNINGER,
    ),
    Rad(
        Status.AVVIST,
        His1206.VURDERT_IKKE_BEHOV,
        "Rejected as outside the tilbud's target group: a decision that no help is given here.",
        grunn=Avvisningsgrunn.UTENFOR_MALGRUPPE,
    ),
    Rad(
        Status.AVVIST,
        His1206.AVSLUTTET,
        "Rejected as sent to the wrong receiver: closed here; the GP sends it to the right one.",
        grunn=Avvisningsgrunn.FEIL_MOTTAKER,
    ),
    Rad(
        Status.AVVIST,
        His1206.AVSLUTTET,
        "Rejected for another reason (written in the begrunnelse): closed.",
        grunn=Avvisningsgrunn.ANNET,
    ),
    # A referral assessed but without an outcome cannot be stored (livssyklus requires one);
    # the row keeps the look-up total.
    Rad(Status.VURDERT, His1206.MOTTATT, "Not reachable: an assessment has an outcome."),
)

_OPPSLAG = {(r.status, r.utfall, r.grunn): r for r in TABELL}


def rad_for(status: str, utfall: str = "", avvisningsgrunn: str = "") -> Rad:
    """The table's row for a referral's status, outcome and reason for rejection."""
    s = Status(status)
    u = Utfall(utfall) if utfall and s == Status.VURDERT else None
    g = Avvisningsgrunn(avvisningsgrunn) if avvisningsgrunn and s == Status.AVVIST else None
    if s == Status.AVVIST and g is None:
        g = Avvisningsgrunn.ANNET  # rejections before the reason was stored
    return _OPPSLAG[(s, u, g)]


def kode_for(status: str, utfall: str = "", avvisningsgrunn: str = "") -> His1206 | None:
    return rad_for(status, utfall, avvisningsgrunn).kode


def som_markdown() -> str:
    """The table for the OpenAPI schema's description."""
    linjer = ["| Vår tilstand | HIS 1206 | Hvorfor |", "|---|---|---|"]
    linjer.extend(
        f"| `{r.tilstand}` | {f'`{r.kode}`' if r.kode else '–'} | {r.hvorfor} |" for r in TABELL
    )
    return "\n".join(linjer)


# --------------------------------------------------------------------------- for a referral


def _dag(verdi: datetime | date | None) -> date | None:
    if isinstance(verdi, datetime):
        return timezone.localdate(verdi)
    return verdi


def _d(verdi: date | None) -> str:
    return verdi.strftime("%d.%m.%Y") if verdi else ""


def datoer(h: Any) -> dict[str, date | None]:
    """The five dates of HIS 1206 for a referral (Helsenorge's names in FHIR in brackets)."""
    return {
        "ansiennitetsdato": h.ansiennitetsdato,  # ansiennitetsDato
        "mottatt_dato": h.mottatt_dato,  # mottattDato
        "frist_vurdering": h.vurderingsfrist,  # fristDatoForVurdering
        "frist_helsehjelp": h.frist,  # fristForHelsehjelp
        "vurdert_dato": _dag(h.vurdert),  # vurdertDato
    }


def status_for(h: Any) -> dict[str, Any]:
    """The national status of a referral: code, its display text, and the dates."""
    kode = kode_for(h.status, h.utfall, h.avvisningsgrunn)
    return {
        "kode": kode.value if kode else None,
        "navn": str(NAVN[kode]) if kode else None,
        **datoer(h),
    }


def i_ord(h: Any, *, idag: date, mottaker: bool = False) -> str:
    """Where the referral stands and by which date something must happen, in one or two
    sentences, for the GP (`mottaker=False`) or the receiving unit."""
    d = datoer(h)
    lukket = _dag(h.lukket)
    if h.status == Status.UTKAST:
        return str(_("Ikke sendt ennå: bare du ser utkastet."))
    if h.status in {Status.SENDT, Status.MOTTATT}:
        tekst = _("Mottatt %(dato)s.") % {"dato": _d(d["mottatt_dato"])}
        frist = d["frist_vurdering"]
        if frist and frist < idag:
            return f"{tekst} " + _("Fristen for vurdering, %(frist)s, er passert.") % {
                "frist": _d(frist)
            }
        if mottaker:
            return f"{tekst} " + _("Vurder henvisningen innen %(frist)s.") % {"frist": _d(frist)}
        return f"{tekst} " + _("Skal vurderes innen %(frist)s.") % {"frist": _d(frist)}
    if h.status == Status.VURDERT and h.utfall == Utfall.RETT:
        return _(
            "Vurdert %(vurdert)s: rett til helsehjelp. Helsehjelpen skal starte senest %(frist)s."
        ) % {"vurdert": _d(d["vurdert_dato"]), "frist": _d(d["frist_helsehjelp"])}
    if h.status == Status.VURDERT and h.utfall == Utfall.IKKE_RETT:
        return _("Vurdert %(vurdert)s: ikke rett til helsehjelp i spesialisthelsetjenesten.") % {
            "vurdert": _d(d["vurdert_dato"])
        }
    if h.status == Status.VURDERT:
        return _(
            "Videresendt %(vurdert)s til et annet tilbud; ansiennitetsdatoen %(ans)s følger med."
        ) % {"vurdert": _d(d["vurdert_dato"]), "ans": _d(d["ansiennitetsdato"])}
    if h.status == Status.VENTER:
        return _("Står på venteliste. Helsehjelpen skal starte senest %(frist)s.") % {
            "frist": _d(d["frist_helsehjelp"])
        }
    if h.status == Status.STARTET:
        return str(_("Behandlingen er startet."))
    if h.status == Status.AVVIST and h.avvisningsgrunn == Avvisningsgrunn.MANGLER_OPPLYSNINGER:
        return _("Avvist %(dato)s fordi opplysninger manglet.") % {"dato": _d(lukket)}
    if h.status == Status.AVVIST:
        return _("Avvist %(dato)s.") % {"dato": _d(lukket)}
    if h.status == Status.TRUKKET:
        return _("Trukket %(dato)s.") % {"dato": _d(lukket)}
    return _("Avsluttet %(dato)s.") % {"dato": _d(lukket)}
