"""A tilbud's recorded versions and what changed between them (the history django-pghistory's
PostgreSQL triggers write; tilbud.services.historikk attaches who and why)."""

from typing import Any

from django.conf import settings

from .models import Tilbud
from .services.redigering import REDIGERBARE_FELT


def tilbud_historikk(tilbud: Tilbud) -> list[dict[str, Any]]:
    """Every recorded version of a tilbud, newest first, with what changed from the one before,
    who changed it and why. Empty where no history is kept (SQLite)."""
    if not settings.HISTORIKK_AKTIV:
        return []
    # django-pghistory adds the event model at start-up; the stubs cannot know it.
    hendelser_qs = Tilbud.pgh_event_model.objects  # type: ignore[attr-defined]
    hendelser = list(
        hendelser_qs.filter(pgh_obj_id=tilbud.pk).select_related("pgh_context").order_by("pgh_id")
    )
    felt = [*REDIGERBARE_FELT, "status", "avsluttet_dato", "avsluttet_grunn", "sist_bekreftet"]
    ut = []
    forrige = None
    for h in hendelser:
        endringer = {
            navn: {"fra": getattr(forrige, navn) if forrige else None, "til": getattr(h, navn)}
            for navn in felt
            if forrige is None or getattr(forrige, navn) != getattr(h, navn)
        }
        kontekst = h.pgh_context.metadata if h.pgh_context else {}
        ut.append(
            {
                "versjon": h.versjon,
                "tidspunkt": h.pgh_created_at,
                "hendelse": "opprettet" if h.pgh_label == "insert" else "endret",
                "bruker": kontekst.get("bruker", ""),
                "grunn": kontekst.get("grunn", ""),
                "endringer": endringer if forrige is not None else {},
            }
        )
        forrige = h
    return list(reversed(ut))
