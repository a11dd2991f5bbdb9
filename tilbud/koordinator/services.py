"""The writes of the coordinator area live in tilbud.services (creating and restoring a tilbud
in tilbud.services.redigering, the weekly digest in tilbud.services.ukentlig_sammendrag); this
module keeps the old import path working."""

from tilbud.services.redigering import tilbud_gjenopprett, tilbud_opprett
from tilbud.services.ukentlig_sammendrag import send_ukentlige_sammendrag

__all__ = ["send_ukentlige_sammendrag", "tilbud_gjenopprett", "tilbud_opprett"]
