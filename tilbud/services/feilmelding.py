"""«Meld feil»: anyone reports, coordinators resolve. The form is anonymous, so it is rate
limited (per client address and per tilbud), and an e-mail address typed into it gets exactly
one mail, asking to confirm it (at most one per address per FEILMELDING_EPOST_STRUPING), until
the reporter follows its signed link: only then is the thank-you on resolution sent."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helsearbeid import oppgaver
from helsearbeid.kvote import bruk_kvote, gi_tilbake_kvote, minutter
from helsearbeid.typer import Bruker
from tilbud.models import Feilmelding, Tilbud

MAKS_NOTAT = 5000
BEKREFTELSE_SALT = "tilbud.feilmelding.epost"


class ForMangeMeldinger(Exception):
    """A quota is used up: the message for the form, and seconds until it frees up."""

    def __init__(self, melding: str, sekunder: int) -> None:
        super().__init__(melding)
        self.sekunder = sekunder


def feilmelding_opprett(
    *, tilbud: Tilbud, data: dict[str, Any], klientadresse: str | None
) -> Feilmelding:
    """Store a report (validated form data) unless a quota is used up: per client address and
    per tilbud. With an e-mail address, one confirmation mail is sent after commit."""
    if vent := bruk_kvote(
        "feilmelding-adresse", klientadresse or "", settings.FEILMELDING_STRUPING_ADRESSE
    ):
        raise ForMangeMeldinger(
            _(
                "Du har sendt mange feilmeldinger på kort tid. Vent %(m)s minutter og prøv "
                "igjen, eller kontakt den regionale koordinatoren direkte."
            )
            % {"m": minutter(vent)},
            vent,
        )
    if vent := bruk_kvote(
        "feilmelding-tilbud", str(tilbud.pk), settings.FEILMELDING_STRUPING_TILBUD
    ):
        raise ForMangeMeldinger(
            _(
                "Dette tilbudet har fått mange feilmeldinger på kort tid, og koordinatoren ser "
                "allerede på det. Prøv igjen om %(m)s minutter."
            )
            % {"m": minutter(vent)},
            vent,
        )
    with transaction.atomic():
        feilmelding = Feilmelding(tilbud=tilbud, **data)
        feilmelding.full_clean()
        feilmelding.save()
        if feilmelding.epost:
            oppgaver.send_etter_commit(
                "tilbud.tasks.send_epostbekreftelse_for_feilmelding", feilmelding.pk
            )
    return feilmelding


def bekreftelsestoken(feilmelding: Feilmelding) -> str:
    return signing.dumps(
        {"f": feilmelding.pk, "e": feilmelding.epost.lower()}, salt=BEKREFTELSE_SALT
    )


def feilmelding_send_epostbekreftelse(*, feilmelding_id: int) -> bool:
    """The confirmation mail: a signed link, nothing from the report. Not sent when the address
    is already confirmed, or already got one within FEILMELDING_EPOST_STRUPING."""
    feilmelding = Feilmelding.objects.filter(pk=feilmelding_id).first()
    if feilmelding is None or not feilmelding.epost or feilmelding.epost_bekreftet:
        return False
    if bruk_kvote(
        "feilmelding-epost", feilmelding.epost.lower(), settings.FEILMELDING_EPOST_STRUPING
    ):
        return False
    lenke = settings.PORTAL_URL.rstrip("/") + reverse(
        "tilbud-bekreft-epost", kwargs={"token": bekreftelsestoken(feilmelding)}
    )
    dager = settings.FEILMELDING_BEKREFTELSE_GYLDIG.days
    tekst = _(
        "Noen (trolig du) har meldt fra om feil i Helse og arbeid-registeret og oppgitt denne "
        "e-postadressen for å få svar.\n\n"
        "Bekreft adressen her, så får du beskjed når koordinatoren har rettet opplysningene:\n"
        "%(lenke)s\n\n"
        "Lenken gjelder i %(dager)s dager. Var det ikke du, kan du se bort fra denne e-posten: "
        "du får ingen flere.\n"
    ) % {"lenke": lenke, "dager": dager}
    try:
        send_mail(
            subject=_("Bekreft e-postadressen din"),
            message=tekst,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[feilmelding.epost],
        )
    except Exception:
        # Not sent: the task's retry must find the address's one mail still unused.
        gi_tilbake_kvote(
            "feilmelding-epost", feilmelding.epost.lower(), settings.FEILMELDING_EPOST_STRUPING
        )
        raise
    return True


def feilmelding_bekreft_epost(*, token: str) -> int:
    """Confirm the address in a signed link: every report from it not yet confirmed. Returns how
    many; ValidationError for a link that is tampered with or too old."""
    try:
        data = signing.loads(
            token,
            salt=BEKREFTELSE_SALT,
            max_age=settings.FEILMELDING_BEKREFTELSE_GYLDIG,
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("Lenken er for gammel. Meld feilen på nytt for å få en ny lenke.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Lenken er ugyldig. Kopier hele lenken fra e-posten.")) from None
    if not Feilmelding.objects.filter(pk=data["f"], epost__iexact=data["e"]).exists():
        raise ValidationError(_("Lenken er ugyldig. Kopier hele lenken fra e-posten."))
    return Feilmelding.objects.filter(epost__iexact=data["e"], epost_bekreftet__isnull=True).update(
        epost_bekreftet=timezone.now()
    )


@transaction.atomic
def feilmelding_los(*, bruker: Bruker, feilmelding_id: int, notat: str) -> Feilmelding:
    """Mark a report as resolved (who, when, note). If the reporter left an e-mail address, a
    thank-you is sent once the transaction has committed."""
    feilmelding = Feilmelding.objects.select_for_update().get(pk=feilmelding_id)
    if feilmelding.status == Feilmelding.Status.LOST:
        raise ValidationError(_("Feilmeldingen er allerede løst."))
    notat = notat.strip()
    if not notat:
        raise ValidationError({"lost_notat": _("Skriv hva som ble gjort.")})
    if len(notat) > MAKS_NOTAT:
        raise ValidationError({"lost_notat": _("Høyst %(n)s tegn.") % {"n": MAKS_NOTAT}})
    feilmelding.status = Feilmelding.Status.LOST
    feilmelding.lost_av = bruker
    feilmelding.lost_tidspunkt = timezone.now()
    feilmelding.lost_notat = notat
    feilmelding.full_clean()
    feilmelding.save()
    # Only to an address its owner confirmed: the form lets anyone type anyone's address.
    if feilmelding.epost and feilmelding.epost_bekreftet:
        oppgaver.send_etter_commit("tilbud.tasks.send_takk_for_feilmelding", feilmelding.pk)
    return feilmelding


def feilmelding_send_takk(*, feilmelding_id: int) -> bool:
    """The thank-you e-mail: a link to the tilbud page only. Nothing from the report itself (it
    may hold health data) goes into the e-mail. Returns whether a mail was sent."""
    feilmelding = Feilmelding.objects.filter(pk=feilmelding_id).first()
    if feilmelding is None or not feilmelding.epost or not feilmelding.epost_bekreftet:
        return False
    lenke = settings.PORTAL_URL.rstrip("/") + reverse(
        "tilbud-detalj", kwargs={"pk": feilmelding.tilbud_id}
    )
    tekst = _(
        "Takk for at du meldte fra om feil i Helse og arbeid-registeret.\n\n"
        "Den regionale koordinatoren har sett på meldingen din og oppdatert opplysningene. "
        "Du finner tilbudet her:\n%(lenke)s\n\n"
        "Denne e-posten kan ikke besvares.\n"
    ) % {"lenke": lenke}
    send_mail(
        subject=_("Takk for meldingen din"),
        message=tekst,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[feilmelding.epost],
    )
    return True
