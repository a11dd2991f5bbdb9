"""Writes to organisations and sites by coordinators: validated with full_clean, version-checked
like tilbud (no lost updates), and carrying who and why into the history (PostgreSQL triggers,
django-pghistory)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tilbud.models import Lokasjon, Organisasjon
from tilbud.services.redigering import (
    LOKASJON_FELT,
    ORGANISASJON_FELT,
    historikk,
    versjonssjekket_update,
)

__all__ = [
    "LOKASJON_FELT",
    "ORGANISASJON_FELT",
    "lokasjon_oppdater",
    "lokasjon_opprett",
    "organisasjon_oppdater",
]


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
    bruker: Any,
    organisasjon_id: int,
    versjon: int,
    endringer: dict[str, Any],
    grunn: str = "",
) -> Organisasjon:
    """Apply a coordinator's changes if nobody saved the organisation since `versjon`."""
    if "organisasjonsnummer" in endringer:
        # Unique, so empty is NULL; people type it with spaces ("983 974 899").
        nummer = (endringer["organisasjonsnummer"] or "").replace(" ", "")
        endringer = {**endringer, "organisasjonsnummer": nummer or None}
    felt = _sett(Organisasjon.objects.get(pk=organisasjon_id), ORGANISASJON_FELT, endringer)
    if felt:
        with transaction.atomic(), historikk(bruker, grunn):
            versjonssjekket_update(Organisasjon, organisasjon_id, versjon, **felt)
    return Organisasjon.objects.select_related("rhf").get(pk=organisasjon_id)


def lokasjon_oppdater(
    *,
    bruker: Any,
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
    *, bruker: Any, organisasjon_id: int, navn: str, kommune: Any, grunn: str = ""
) -> Lokasjon:
    with transaction.atomic(), historikk(bruker, grunn):
        lokasjon = Lokasjon(organisasjon_id=organisasjon_id, navn=navn, kommune=kommune)
        lokasjon.full_clean()
        lokasjon.save()
    return lokasjon
