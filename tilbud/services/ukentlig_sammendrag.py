"""The weekly digest e-mail to coordinators: stale entries, outdated waiting times, open error
reports and open AR flags (HER-ids that no longer work as listed)."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tilbud.koordinator.selectors import ikke_bekreftet_grense
from tilbud.models import ArFlagg, Feilmelding, Rolle, Tilbud, Ventetid
from tilbud.models.ventetid import UTDATERT_DAGER
from tilbud.services.redigering import brukernavn


def _lenke(navn: str, **kwargs: Any) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse(navn, kwargs=kwargs or None)


def send_ukentlige_sammendrag() -> int:
    """One e-mail per coordinator (with an e-mail address) listing the region's stale entries
    and open error reports, with links. Coordinators with nothing to report get none. Returns
    the number of e-mails sent. Queries: roles, stale tilbud, open reports (whatever the size)."""
    roller = list(
        Rolle.objects.filter(type=Rolle.Type.KOORDINATOR, bruker__is_active=True, rhf__isnull=False)
        .exclude(bruker__email="")
        .select_related("bruker", "rhf")
        .order_by("rhf__kode", "bruker__username")
    )
    if not roller:
        return 0
    rhf_ider = {r.rhf_id for r in roller}
    grense = ikke_bekreftet_grense()
    gamle: dict[int | None, list[Tilbud]] = defaultdict(list)
    for t in (
        Tilbud.objects.filter(rhf_id__in=rhf_ider, sist_bekreftet__lt=grense)
        .exclude(status=Tilbud.Status.AVSLUTTET)
        .select_related("organisasjon")
        .order_by("sist_bekreftet", "navn")
    ):
        gamle[t.rhf_id].append(t)
    # The update duty: waiting times measured more than 31 days ago (tilbud.models.ventetid).
    utdaterte: dict[int | None, list[Ventetid]] = defaultdict(list)
    for v in (
        Ventetid.objects.filter(
            tilbud__rhf_id__in=rhf_ider,
            uker_maks__isnull=False,
            dato__lt=timezone.localdate() - timedelta(days=UTDATERT_DAGER),
        )
        .exclude(tilbud__status=Tilbud.Status.AVSLUTTET)
        .select_related("tilbud")
        .order_by("dato", "tilbud__navn", "type")
    ):
        utdaterte[v.tilbud.rhf_id].append(v)
    feil: dict[int | None, list[Feilmelding]] = defaultdict(list)
    for f in (
        Feilmelding.objects.filter(Q(tilbud__rhf_id__in=rhf_ider), status=Feilmelding.Status.APEN)
        .select_related("tilbud")
        .order_by("opprettet")
    ):
        feil[f.tilbud.rhf_id].append(f)
    flagg: dict[int | None, list[ArFlagg]] = defaultdict(list)
    for a in (
        ArFlagg.objects.filter(tilbud__rhf_id__in=rhf_ider, lukket__isnull=True)
        .select_related("tilbud")
        .order_by("opprettet", "pk")
    ):
        flagg[a.tilbud.rhf_id].append(a)

    meldinger = []
    for rolle in roller:
        # rhf is never None here (rhf__isnull=False above); the check tells mypy too.
        if rolle.rhf is None or not (
            gamle[rolle.rhf_id]
            or feil[rolle.rhf_id]
            or utdaterte[rolle.rhf_id]
            or flagg[rolle.rhf_id]
        ):
            continue
        context = {
            "navn": brukernavn(rolle.bruker),
            "rhf": rolle.rhf,
            "maneder": settings.FERSKHET_ELDRE_MANEDER,
            "gamle": [
                {"tilbud": t, "lenke": _lenke("koordinator:tilbud-rediger", pk=t.pk)}
                for t in gamle[rolle.rhf_id]
            ],
            "feilmeldinger": [
                {"feilmelding": f, "lenke": _lenke("koordinator:feilmelding", pk=f.pk)}
                for f in feil[rolle.rhf_id]
            ],
            "utdaterte_ventetider": utdaterte[rolle.rhf_id],
            # One link for the whole list: «Uendret» there is one click per waiting time.
            "ventetider": _lenke("koordinator:ventetider"),
            "ar_flagg": [
                {"flagg": a, "lenke": _lenke("koordinator:tilbud-rediger", pk=a.tilbud_id)}
                for a in flagg[rolle.rhf_id]
            ],
            "mine_tilbud": _lenke("koordinator:mine-tilbud"),
            "ko": _lenke("koordinator:feilmeldinger"),
        }
        meldinger.append(
            EmailMessage(
                subject=f"Helse og arbeid: ukentlig oversikt for {rolle.rhf.navn}",
                body=render_to_string("koordinator/epost/ukentlig_sammendrag.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[rolle.bruker.email],
            )
        )
    if not meldinger:
        return 0
    with get_connection() as forbindelse:
        return forbindelse.send_messages(meldinger) or 0
