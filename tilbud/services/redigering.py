"""Writes by coordinators and tilbudsredaktører: creating a tilbud, version-checked updates (no
lost updates), verification, ending, restoring an earlier version, and proposals for the
four-eyes rule. Every write runs in one transaction and carries who and why into the history
(PostgreSQL triggers, django-pghistory)."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tilbud.models import Endringsforslag, Organisasjon, Tilbud
from tilbud.rules import rhf_for
from tilbud.services.historikk import historikk_kontekst
from tilbud.services.sok import oppdater_sokeindeks

# What coordinators and editors edit; the rest (source references, ids, search columns, version)
# is kept by the system.
REDIGERBARE_FELT = [
    "navn", "kategori", "fagomrade", "malgruppe_tekst", "alder_fra", "alder_til", "alder_tekst",
    "inklusjonskriterier", "eksklusjonskriterier", "behandlingsform_tekst", "varighet", "innhold",
    "nav_samarbeid", "helseiarbeid", "helseiarbeid_tekst", "arbeidsgiverkontakt", "digitalt",
    "kapasitet", "henvisning_til", "henvisning_tekst", "henvisningstidspunkt", "ventetid_tekst",
    "ventetid_uker", "ventetid_type", "ventetid_dato", "ventetid_kilde", "tar_imot_henvisninger",
    "kapasitet_bekreftet", "kontakt", "kontakt_bekreftet", "nettside", "status_merknad",
]  # fmt: skip
M2M_FELT = ["malgrupper", "behandlingsformer", "lokasjoner"]


@dataclass
class Samtidighetskonflikt(Exception):
    """Someone saved the tilbud after the version the user started from."""

    tilbud: Tilbud
    grunnversjon: int
    endringer: dict[str, dict[str, Any]] = field(default_factory=dict)
    endret_av: str = ""

    def __str__(self) -> str:
        hvem = f" av {self.endret_av}" if self.endret_av else ""
        felt = ", ".join(self.endringer) or "ukjente felt"
        return (
            f"Tilbudet ble endret{hvem} etter at du åpnet det (versjon {self.grunnversjon} → "
            f"{self.tilbud.versjon}). Endret: {felt}. Ingenting er lagret; se endringene og "
            "prøv igjen."
        )


def brukernavn(bruker: Any) -> str:
    return bruker.get_full_name() or bruker.get_username()


def historikk(bruker: Any, grunn: str = "") -> Any:
    """Who and why, for the history events of this write."""
    return historikk_kontekst(bruker_id=bruker.pk, bruker=brukernavn(bruker), grunn=grunn)


def _valider(tilbud: Tilbud, felt: dict[str, Any]) -> None:
    ukjente = sorted(set(felt) - set(REDIGERBARE_FELT) - set(M2M_FELT))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke endres her."))
    for navn, verdi in felt.items():
        if navn not in M2M_FELT:
            setattr(tilbud, navn, verdi)
    tilbud.full_clean(validate_unique=False)


def endringer_siden(tilbud: Tilbud, versjon: int) -> tuple[dict[str, dict[str, Any]], str]:
    """What changed since `versjon`, and by whom, from the history (empty without history)."""
    if not settings.HISTORIKK_AKTIV:
        return {}, ""
    hendelser = Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud.pk)
    for_ = hendelser.filter(versjon=versjon).order_by("-pgh_id").first()
    siste = hendelser.select_related("pgh_context").order_by("-pgh_id").first()
    if for_ is None or siste is None:
        return {}, ""
    endringer = {
        navn: {"fra": getattr(for_, navn), "til": getattr(tilbud, navn)}
        for navn in REDIGERBARE_FELT
        if getattr(for_, navn) != getattr(tilbud, navn)
    }
    kontekst = siste.pgh_context.metadata if siste.pgh_context else {}
    return endringer, kontekst.get("bruker", "")


def _versjonssjekket_update(tilbud_id: int, versjon: int, **felt: Any) -> None:
    """UPDATE … WHERE versjon = <the version the user saw>: of two concurrent saves exactly
    one matches; the other is refused with what the first one changed."""
    rader = Tilbud.objects.filter(pk=tilbud_id, versjon=versjon).update(
        **felt, versjon=F("versjon") + 1, endret=timezone.now()
    )
    if rader == 0:
        naa = Tilbud.objects.get(pk=tilbud_id)
        endringer, hvem = endringer_siden(naa, versjon)
        raise Samtidighetskonflikt(naa, versjon, endringer, hvem)


def tilbud_oppdater(
    *, bruker: Any, tilbud_id: int, versjon: int, endringer: dict[str, Any], grunn: str = ""
) -> Tilbud:
    """Apply a coordinator's changes, if nobody saved in between."""
    kandidat = Tilbud.objects.get(pk=tilbud_id)
    _valider(kandidat, endringer)
    felt = {k: v for k, v in endringer.items() if k not in M2M_FELT}
    with transaction.atomic(), historikk(bruker, grunn):
        _versjonssjekket_update(tilbud_id, versjon, **felt)
        for navn in M2M_FELT:
            if navn in endringer:
                getattr(kandidat, navn).set(endringer[navn])
        oppdater_sokeindeks([tilbud_id])
    return Tilbud.objects.get(pk=tilbud_id)


def tilbud_bekreft(*, bruker: Any, tilbud_id: int, versjon: int) -> Tilbud:
    """«Bekreft opplysningene»: the entry is checked and right as of today."""
    with transaction.atomic(), historikk(bruker, "Opplysningene bekreftet"):
        _versjonssjekket_update(
            tilbud_id, versjon, sist_bekreftet=timezone.localdate(), bekreftet_av=brukernavn(bruker)
        )
    return Tilbud.objects.get(pk=tilbud_id)


def tilbud_avslutt(*, bruker: Any, tilbud_id: int, versjon: int, dato: date, grunn: str) -> Tilbud:
    """End a tilbud: nothing is deleted, GPs see it is ended and why."""
    if not grunn.strip():
        raise ValidationError({"avsluttet_grunn": "Skriv hvorfor tilbudet avsluttes."})
    with transaction.atomic(), historikk(bruker, grunn):
        _versjonssjekket_update(
            tilbud_id,
            versjon,
            status=Tilbud.Status.AVSLUTTET,
            avsluttet_dato=dato,
            avsluttet_grunn=grunn.strip(),
        )
    return Tilbud.objects.get(pk=tilbud_id)


def _json(verdi: Any) -> Any:
    if isinstance(verdi, date):
        return verdi.isoformat()
    if isinstance(verdi, list | tuple | set):
        return sorted(getattr(v, "pk", v) for v in verdi)
    return getattr(verdi, "pk", verdi)


def forslag_opprett(
    *, bruker: Any, tilbud_id: int, versjon: int, endringer: dict[str, Any], begrunnelse: str = ""
) -> Endringsforslag:
    """A tilbudsredaktør's change, validated like a direct edit, waiting for the coordinator."""
    kandidat = Tilbud.objects.get(pk=tilbud_id)
    _valider(kandidat, endringer)
    return Endringsforslag.objects.create(
        tilbud_id=tilbud_id,
        endringer={k: _json(v) for k, v in endringer.items()},
        grunnversjon=versjon,
        begrunnelse=begrunnelse,
        foreslatt_av=bruker,
    )


def _besluttet(forslag: Endringsforslag) -> None:
    if forslag.status != Endringsforslag.Status.VENTER:
        raise ValidationError(f"Forslaget er allerede {forslag.get_status_display().lower()}.")


def forslag_godkjenn(
    *, bruker: Any, forslag_id: int, versjon: int, kommentar: str = ""
) -> Endringsforslag:
    """Apply a proposal to the tilbud as the coordinator sees it now (`versjon`)."""
    with transaction.atomic():
        forslag = Endringsforslag.objects.select_for_update().get(pk=forslag_id)
        _besluttet(forslag)
        tilbud = Tilbud.objects.get(pk=forslag.tilbud_id)
        felt = {f.name: f for f in Tilbud._meta.get_fields()}
        endringer = {
            navn: felt[navn].to_python(verdi) if navn not in M2M_FELT else verdi
            for navn, verdi in forslag.endringer.items()
        }
        grunn = f"Forslag fra {brukernavn(forslag.foreslatt_av)} godkjent. {kommentar}".strip()
        tilbud_oppdater(
            bruker=bruker, tilbud_id=tilbud.pk, versjon=versjon, endringer=endringer, grunn=grunn
        )
        forslag.status = Endringsforslag.Status.GODKJENT
        forslag.besluttet_av, forslag.besluttet = bruker, timezone.now()
        forslag.kommentar = kommentar
        forslag.save()
    return forslag


def forslag_avvis(*, bruker: Any, forslag_id: int, kommentar: str) -> Endringsforslag:
    if not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv hvorfor forslaget avvises."})
    with transaction.atomic():
        forslag = Endringsforslag.objects.select_for_update().get(pk=forslag_id)
        _besluttet(forslag)
        forslag.status = Endringsforslag.Status.AVVIST
        forslag.besluttet_av, forslag.besluttet = bruker, timezone.now()
        forslag.kommentar = kommentar.strip()
        forslag.save()
    return forslag


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
