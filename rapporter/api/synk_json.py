"""A sync page's records as JSON built by PostgreSQL.

A page of 100 records is about 215 KB of JSON. Built in Python, each row's four JSON columns are
decoded, each of its ~50 fields converted, and the whole page encoded again: about 6 ms of a
page that the database reads in 4 (bench/README.md). Here the database writes each record as
JSON text in the same statement that reads the rows, and the page is those texts joined.

The record is the one `serializers.synk_poster` makes, field for field, from the same record
plan (`serializers._synk_plan`): a field whose conversion this module does not know raises at
once instead of drifting. tests/rapporter/test_synk_json.py compares the two for every kind of
value (timestamps with and without microseconds, winter and summer time, tombstones, empty and
non-ASCII text, JSON columns, related keys).
"""

import functools
from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from tilbud.models import Tilbud

from .serializers import _TIDSPUNKT, _synk_plan


class JsonTekst(str):
    """JSON that is already rendered: the renderer splices it in as it is."""


def _tidspunkt(kolonne: str) -> str:
    """DRF's DateTimeField in SQL: ISO 8601 in the current time zone (one parameter), seconds,
    microseconds only when there are any, and the offset as ±hh:mm, or Z for UTC."""
    lokal = f"({kolonne} AT TIME ZONE %s)"
    # Only column names of our own model and constants go into these strings.
    return f"""(SELECT CASE WHEN z.t IS NULL THEN NULL ELSE
        to_char(z.l, 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', z.l)::int %% 1000000 <> 0
                THEN to_char(z.l, '.US') ELSE '' END
        || CASE WHEN z.o = 0 THEN 'Z'
                ELSE CASE WHEN z.o < 0 THEN '-' ELSE '+' END
                     || lpad((abs(z.o) / 3600)::text, 2, '0') || ':'
                     || lpad((abs(z.o) %% 3600 / 60)::text, 2, '0') END
        END
     FROM (SELECT {kolonne} AS t, {lokal} AS l,
                  extract(epoch FROM {lokal} - ({kolonne} AT TIME ZONE 'UTC'))::int AS o) z)"""  # noqa: S608


@functools.cache
def _mal() -> tuple[str, int]:
    """The record expression over the row `s` (see selectors.tilbud_endringer_json), and how
    many time-zone parameters it takes."""
    plan, _endret = _synk_plan()
    felt: list[str] = []
    soner = 0
    for navn, kolonne, konvertering in plan:
        if kolonne is None:
            uttrykk = "false"
        elif kolonne == "rhf__kode":
            uttrykk = "s.rhf_kode"
        elif navn in ("malgrupper", "behandlingsformer", "lokasjoner"):
            uttrykk = f"s.{navn}_nokler"
        elif konvertering is _TIDSPUNKT:
            uttrykk = _tidspunkt(f"s.{kolonne}")
            soner += 2
        elif konvertering is None or (
            type(konvertering) is serializers.DateField
            and getattr(konvertering, "format", None) in (None, "iso-8601")
        ):
            # As stored: PostgreSQL writes dates in ISO 8601 in JSON, as DRF does.
            uttrykk = f"s.{kolonne}"
        else:
            raise RuntimeError(f"synk_json kan ikke skrive feltet {navn} ({konvertering!r}).")
        felt.append(f'{uttrykk} AS "{navn}"')
    endret = _tidspunkt("s.endret")
    gravstein = f"json_build_object('id', s.id, 'slettet', true, 'endret', {endret})"
    soner += 2
    post = f"(SELECT row_to_json(r) FROM (SELECT {', '.join(felt)}) r)"  # noqa: S608
    sql = (
        f"(CASE WHEN s.status = '{Tilbud.Status.AVSLUTTET.value}' THEN {gravstein} "
        f"ELSE {post} END)::text"
    )
    return sql, soner


def synk_uttrykk() -> tuple[str, list[Any]]:
    """The record expression and its parameters (the current time zone, as synk_poster uses)."""
    sql, soner = _mal()
    return sql, [timezone.get_current_timezone_name()] * soner


class SynkJsonRenderer(JSONRenderer):
    """JSON, with a `results` that is JsonTekst spliced in unchanged."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if isinstance(data, dict) and isinstance(data.get("results"), JsonTekst):
            resten = {k: v for k, v in data.items() if k != "results"}
            hode = super().render(resten, accepted_media_type, renderer_context)
            # `results` last, as in the schema; hode is a compact object ending in "}".
            skille = b"," if resten else b""
            return hode[:-1] + skille + b'"results":' + data["results"].encode() + b"}"
        return super().render(data, accepted_media_type, renderer_context)
