"""Writes to organisations and sites by coordinators: validated with full_clean, version-checked
like tilbud (no lost updates), and carrying who and why into the history (PostgreSQL triggers,
django-pghistory)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helsearbeid.typer import Bruker
from tilbud.models import Avtale, Lokasjon, Organisasjon
from tilbud.services.redigering import (
    LOKASJON_FELT,
    ORGANISASJON_FELT,
    historikk,
    versjonssjekket_update,
)
from tilbud.tilgang import kan_opprette_i

__all__ = [
    "LOKASJON_FELT",
    "ORGANISASJON_FELT",
    "lokasjon_oppdater",
    "lokasjon_opprett",
    "organisasjon_oppdater",
    "organisasjon_opprett",
]

# What a coordinator registers: providers, never an RHF (there are four, kept by administrators).
NYE_TYPER = [Organisasjon.Type.HF, Organisasjon.Type.IDEELL, Organisasjon.Type.PRIVAT]


def _uten_mellomrom(nummer: str | None) -> str:
    # People type it with spaces ("983 974 899").
    return "".join((nummer or "").split())


def _sett(obj: Any, felt: list[str], endringer: dict[str, Any]) -> dict[str, Any]:
    """Validate the changes on a copy of the object; the values to write, by column."""
    ukjente = sorted(set(endringer) - set(felt))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke endres her."))
    for navn, verdi in endringer.items():
        setattr(obj, navn, verdi)
    obj.full_clean()
    return {navn: getattr(obj, navn) for navn in endringer}


def organisasjon_oppdater(
    *,
    bruker: Bruker,
    organisasjon_id: int,
    versjon: int,
    endringer: dict[str, Any],
    grunn: str = "",
) -> Organisasjon:
    """Apply a coordinator's changes if nobody saved the organisation since `versjon`."""
    if "organisasjonsnummer" in endringer:
        # Unique, so empty is NULL.
        nummer = _uten_mellomrom(endringer["organisasjonsnummer"])
        endringer = {**endringer, "organisasjonsnummer": nummer or None}
    felt = _sett(Organisasjon.objects.get(pk=organisasjon_id), ORGANISASJON_FELT, endringer)
    if felt:
        with transaction.atomic(), historikk(bruker, grunn):
            versjonssjekket_update(Organisasjon, organisasjon_id, versjon, **felt)
    return Organisasjon.objects.select_related("rhf").get(pk=organisasjon_id)


def lokasjon_oppdater(
    *,
    bruker: Bruker,
    lokasjon_id: int,
    versjon: int,
    endringer: dict[str, Any],
    grunn: str = "",
) -> Lokasjon:
    """Apply a coordinator's changes if nobody saved the site since `versjon`."""
    felt = _sett(Lokasjon.objects.get(pk=lokasjon_id), LOKASJON_FELT, endringer)
    if felt:
        with transaction.atomic(), historikk(bruker, grunn):
            versjonssjekket_update(Lokasjon, lokasjon_id, versjon, **felt)
    return Lokasjon.objects.select_related("organisasjon", "kommune").get(pk=lokasjon_id)


def lokasjon_opprett(
    *, bruker: Bruker, organisasjon_id: int, navn: str, kommune: Any, grunn: str = ""
) -> Lokasjon:
    with transaction.atomic(), historikk(bruker, grunn):
        lokasjon = Lokasjon(organisasjon_id=organisasjon_id, navn=navn, kommune=kommune)
        lokasjon.full_clean()
        lokasjon.save()
    return lokasjon


def organisasjon_opprett(
    *,
    bruker: Bruker,
    rhf: Organisasjon,
    navn: str,
    type: str,
    organisasjonsnummer: str,
    nettside: str = "",
    avtaletype: str = "",
    grunn: str = "",
) -> Organisasjon:
    """A new provider in the coordinator's region (administrators: any region), bound to it the
    way the registry binds providers: an HF or ideelt sykehus is owned by / has its operating
    agreement with the RHF (`rhf`), a private provider holds an agreement (Avtale) of
    `avtaletype` with it. The organisasjonsnummer is required and must pass mod 11."""
    if not kan_opprette_i(bruker, rhf):
        raise PermissionDenied(_("Bare regionens koordinator kan registrere tilbydere i regionen."))
    if rhf.type != Organisasjon.Type.RHF:
        raise ValidationError({"rhf": _("Velg et regionalt helseforetak.")})
    # Every error at once, each on its field: the form shows them all next to their fields.
    feil: dict[str, list[str]] = {}
    if type not in NYE_TYPER:
        feil["type"] = [_("Velg helseforetak, ideelt sykehus eller privat leverandør.")]
    privat = type == Organisasjon.Type.PRIVAT
    if privat and avtaletype not in Avtale.Type.values:
        feil["avtaletype"] = [_("Velg hva avtalen med helseregionen gjelder.")]
    if not privat and avtaletype:
        feil["avtaletype"] = [_("Bare private leverandører har avtale; la feltet stå tomt.")]
    nummer = _uten_mellomrom(organisasjonsnummer)
    if not nummer:
        feil["organisasjonsnummer"] = [_("Skriv organisasjonsnummeret (ni sifre).")]
    organisasjon = Organisasjon(
        navn=navn.strip(),
        type=type,
        rhf=None if privat else rhf,
        organisasjonsnummer=nummer or None,
        nettside=nettside.strip(),
    )
    try:
        # Mod 11, unique name and number, the web address; not what is already refused above.
        organisasjon.full_clean(exclude=list(feil))
    except ValidationError as modellfeil:
        for navn_, meldinger in modellfeil.message_dict.items():
            feil.setdefault(navn_, []).extend(meldinger)
    if feil:
        raise ValidationError(feil)
    try:
        with transaction.atomic(), historikk(bruker, grunn or _("Ny organisasjon")):
            organisasjon.save()
            if privat:
                Avtale.objects.create(leverandor=organisasjon, rhf=rhf, type=avtaletype)
    except IntegrityError as samtidig:
        # Someone registered the same name or number between the check and the INSERT.
        raise ValidationError(
            _("Organisasjonen ble nettopp registrert av en annen. Last siden på nytt.")
        ) from samtidig
    return organisasjon
