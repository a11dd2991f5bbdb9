"""NDJSON and CSV renderers for bulk pulls. Both stream the page's records only; the link to the
next page travels in the `Link` header (set by the view)."""

import csv
import io
import json
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder


def _poster(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    return data if isinstance(data, list) else [data]


class NdjsonRenderer(BaseRenderer):
    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if data is None:
            return b""
        linjer = (
            json.dumps(post, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))
            for post in _poster(data)
        )
        return "".join(f"{linje}\n" for linje in linjer).encode()


# Cells a spreadsheet would run as a formula (OWASP «CSV injection»). A leading "-" followed by a
# space is a bullet list, common in the catalogue texts, and stays as it is.
_FORMELSTART = ("=", "+", "@", "\t", "\r")


def _celle(verdi: Any) -> str:
    if verdi is None:
        return ""
    if isinstance(verdi, bool):
        return "true" if verdi else "false"
    if isinstance(verdi, list) and all(isinstance(v, str | int) for v in verdi):
        tekst = "|".join(str(v) for v in verdi)
    elif isinstance(verdi, list | dict):
        tekst = json.dumps(verdi, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))
    else:
        tekst = str(verdi)
    if tekst.startswith(_FORMELSTART) or (tekst[:1] == "-" and tekst[1:2] not in ("", " ", "-")):
        return f"'{tekst}"
    return tekst


class CsvRenderer(BaseRenderer):
    """One row per record; lists of codes are joined with «|», other structures are JSON. The
    columns come from the view's `csv_kolonner`, so a page of tombstones has the same header."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        poster = _poster(data)
        view = (renderer_context or {}).get("view")
        kolonner = list(getattr(view, "csv_kolonner", None) or (poster[0] if poster else []))
        ut = io.StringIO()
        skriver = csv.DictWriter(
            ut, fieldnames=kolonner, extrasaction="ignore", lineterminator="\n"
        )
        skriver.writeheader()
        for post in poster:
            skriver.writerow({k: _celle(post.get(k)) for k in kolonner})
        return ut.getvalue().encode()


class FhirJsonRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"
