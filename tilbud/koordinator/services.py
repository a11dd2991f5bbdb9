"""Writes of the coordinator area that the core services do not cover: creating a tilbud,
restoring an earlier version (as a new change), and the weekly digest e-mail."""

import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tilbud.models import Feilmelding, Organisasjon, Rolle, Tilbud
from tilbud.rules import rhf_for
from tilbud.services.redigering import (
    M2M_FELT,
    REDIGERBARE_FELT,
    brukernavn,
    historikk,
    tilbud_oppdater,
)
from tilbud.services.sok import oppdater_sokeindeks

from .selectors import ikke_bekreftet_grense


def tilbud_opprett(
    *, bruker: Any, rhf: Organisasjon, organisasjon: Organisasjon, felt: dict[str, Any]
) -> Tilbud:
    """A new tilbud in the coordinator's region, verified today by its creator."""
    if rhf.pk not in rhf_for(organisasjon):
        raise ValidationError(
            {"organisasjon": "Tilbyderen hører ikke til helseregionen (eier eller avtale)."}
        )
    skalar = {k: v for k, v in felt.items() if k not in M2M_FELT}
    ukjente = sorted(set(skalar) - set(REDIGERBARE_FELT))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke settes her."))
    tilbud = Tilbud(
        **skalar,
        kilde_id=f"portal_{uuid.uuid4().hex[:12]}",
        organisasjon=organisasjon,
        rhf=rhf,
        kilde=f"Registrert i portalen av {brukernavn(bruker)}",
        sist_bekreftet=timezone.localdate(),
        bekreftet_av=brukernavn(bruker),
    )
    tilbud.full_clean(exclude=M2M_FELT)
    with transaction.atomic(), historikk(bruker, "Nytt tilbud"):
        tilbud.save()
        for navn in M2M_FELT:
            if navn in felt:
                getattr(tilbud, navn).set(felt[navn])
        oppdater_sokeindeks([tilbud.pk])
    return tilbud


def tilbud_gjenopprett(*, bruker: Any, tilbud_id: int, versjon: int, gjenopprett: int) -> Tilbud:
    """Restore the editable fields of recorded version `gjenopprett` as a new change (the
    history keeps both). Many-to-many fields are not in the history and stay as they are."""
    if not settings.HISTORIKK_AKTIV:
        raise ValidationError("Historikk føres ikke i denne installasjonen.")
    hendelse = (
        Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud_id, versjon=gjenopprett)
        .order_by("-pgh_id")
        .first()
    )
    if hendelse is None:
        raise ValidationError(f"Fant ikke versjon {gjenopprett}.")
    naa = Tilbud.objects.get(pk=tilbud_id)
    endringer = {
        navn: getattr(hendelse, navn)
        for navn in REDIGERBARE_FELT
        if getattr(hendelse, navn) != getattr(naa, navn)
    }
    if not endringer:
        raise ValidationError(f"Versjon {gjenopprett} er lik dagens opplysninger.")
    return tilbud_oppdater(
        bruker=bruker,
        tilbud_id=tilbud_id,
        versjon=versjon,
        endringer=endringer,
        grunn=f"Gjenopprettet versjon {gjenopprett}",
    )


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
    gamle: dict[int, list[Tilbud]] = defaultdict(list)
    for t in (
        Tilbud.objects.filter(rhf_id__in=rhf_ider, sist_bekreftet__lt=grense)
        .exclude(status=Tilbud.Status.AVSLUTTET)
        .select_related("organisasjon")
        .order_by("sist_bekreftet", "navn")
    ):
        gamle[t.rhf_id].append(t)
    feil: dict[int, list[Feilmelding]] = defaultdict(list)
    for f in (
        Feilmelding.objects.filter(Q(tilbud__rhf_id__in=rhf_ider), status=Feilmelding.Status.APEN)
        .select_related("tilbud")
        .order_by("opprettet")
    ):
        feil[f.tilbud.rhf_id].append(f)

    meldinger = []
    for rolle in roller:
        if not gamle[rolle.rhf_id] and not feil[rolle.rhf_id]:
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
