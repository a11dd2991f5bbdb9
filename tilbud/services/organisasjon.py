"""Writes to organisations and sites by coordinators: validated with full_clean, and carrying
who and why into the history (PostgreSQL triggers, django-pghistory)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tilbud.models import Lokasjon, Organisasjon
from tilbud.services.redigering import historikk

# What coordinators may change; type, RHF and code decide who may edit, so they stay with admins.
ORGANISASJON_FELT = ["navn", "organisasjonsnummer", "nettside"]
LOKASJON_FELT = ["navn", "kommune"]


def _sett(obj: Any, felt: list[str], endringer: dict[str, Any]) -> None:
    ukjente = sorted(set(endringer) - set(felt))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke endres her."))
    for navn, verdi in endringer.items():
        setattr(obj, navn, verdi)
    obj.full_clean()


def organisasjon_oppdater(
    *, bruker: Any, organisasjon_id: int, endringer: dict[str, Any], grunn: str = ""
) -> Organisasjon:
    with transaction.atomic(), historikk(bruker, grunn):
        organisasjon = Organisasjon.objects.select_for_update().get(pk=organisasjon_id)
        if "organisasjonsnummer" in endringer and not endringer["organisasjonsnummer"]:
            endringer = {**endringer, "organisasjonsnummer": None}  # unique, so empty is NULL
        _sett(organisasjon, ORGANISASJON_FELT, endringer)
        organisasjon.save()
    return organisasjon


def lokasjon_oppdater(
    *, bruker: Any, lokasjon_id: int, endringer: dict[str, Any], grunn: str = ""
) -> Lokasjon:
    with transaction.atomic(), historikk(bruker, grunn):
        lokasjon = Lokasjon.objects.select_for_update().get(pk=lokasjon_id)
        _sett(lokasjon, LOKASJON_FELT, endringer)
        lokasjon.save()
    return lokasjon


def lokasjon_opprett(
    *, bruker: Any, organisasjon_id: int, navn: str, kommune: Any, grunn: str = ""
) -> Lokasjon:
    with transaction.atomic(), historikk(bruker, grunn):
        lokasjon = Lokasjon(organisasjon_id=organisasjon_id, navn=navn, kommune=kommune)
        lokasjon.full_clean()
        lokasjon.save()
    return lokasjon
