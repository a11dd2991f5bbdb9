"""«Meld feil»: coordinators resolve error reports; the reporter gets a short thank-you."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tilbud.models import Feilmelding

MAKS_NOTAT = 5000


@transaction.atomic
def feilmelding_los(*, bruker: Any, feilmelding_id: int, notat: str) -> Feilmelding:
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
    if feilmelding.epost:
        from tilbud.tasks import send_takk_for_feilmelding

        transaction.on_commit(lambda: send_takk_for_feilmelding.delay(feilmelding.pk))
    return feilmelding


def feilmelding_send_takk(*, feilmelding_id: int) -> bool:
    """The thank-you e-mail: a link to the tilbud page only. Nothing from the report itself (it
    may hold health data) goes into the e-mail. Returns whether a mail was sent."""
    feilmelding = Feilmelding.objects.filter(pk=feilmelding_id).first()
    if feilmelding is None or not feilmelding.epost:
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
