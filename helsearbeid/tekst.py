"""Text no field of ours can hold: the NUL character (PostgreSQL refuses it in text columns, and
it has no meaning in a name or a search) and lone UTF-16 surrogates (not Unicode characters at
all; they cannot be encoded as UTF-8, so the database driver failed on them). And the longest
text a field may hold, shared by the editing services and the 413 page."""

import re

from django.utils.translation import gettext as _

# Long enough for any real description, short enough that nobody pastes a book.
MAKS_TEKST = 10_000

UGYLDIG = re.compile("[\x00\ud800-\udfff]")


def ugyldig_tegn(tekst: str) -> str | None:
    """A message (in the active language) when `tekst` holds a character no text field may
    hold, else None."""
    treff = UGYLDIG.search(tekst)
    if treff is None:
        return None
    if treff.group() == "\x00":
        return _("Teksten inneholder et nulltegn (NUL), som ikke er tillatt.")
    return _("Teksten inneholder et ugyldig tegn (en enslig surrogat), som ikke er tillatt.")
