"""The API's JSON parser: a body nested deeper than MAKS_DYBDE, or with text PostgreSQL cannot
store (a NUL character, a lone surrogate such as "\\ud800"), is a 400 that says where.

DRF's own parser lets Python's recursion limit decide: `[[[[…]]]]` a few thousand levels deep
raised RecursionError, which no handler caught (a 500 for any logged-in user), and a depth of
999 still went on to the serializers. NUL and surrogates reached the database driver.
"""

import codecs
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

from helsearbeid.tekst import ugyldig_tegn

# No request of this API needs more than a handful of levels (a referral with its checklist
# answers is four deep); 32 leaves room and keeps the walk below cheap.
MAKS_DYBDE = 32


def _sjekk(data: Any) -> None:
    """Depth and text of a parsed document, without recursion (the document may be deep)."""
    stabel: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stabel:
        verdi, dybde, sti = stabel.pop()
        if isinstance(verdi, dict | list):
            if dybde > MAKS_DYBDE:
                raise ParseError(
                    f"JSON-dokumentet er nestet for dypt: høyst {MAKS_DYBDE} nivåer er tillatt."
                )
            par = verdi.items() if isinstance(verdi, dict) else enumerate(verdi)
            for nokkel, barn in par:
                barnesti = f"{sti}.{nokkel}" if sti else str(nokkel)
                if isinstance(nokkel, str) and (feil := ugyldig_tegn(nokkel)):
                    raise ParseError(f"Feltnavnet «{barnesti}»: {feil}")
                stabel.append((barn, dybde + 1, barnesti))
        elif isinstance(verdi, str) and (feil := ugyldig_tegn(verdi)):
            raise ParseError({sti: [feil]} if sti else feil)


class JSONParserMedGrenser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            dokument = json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=json.strict_constant if api_settings.STRICT_JSON else None,
            )
        except RecursionError as exc:
            raise ParseError(
                f"JSON-dokumentet er nestet for dypt: høyst {MAKS_DYBDE} nivåer er tillatt."
            ) from exc
        except ValueError as exc:
            raise ParseError(f"Ugyldig JSON: {exc}") from exc
        _sjekk(dokument)
        return dokument
