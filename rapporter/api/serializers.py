"""Shapes of the analyst API: sync records and tombstones, and the query parameters."""

import functools
import re
from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from helsearbeid.api.tidspunkt import iso_tidspunkt
from tilbud.models import Tilbud


class SynkTilbudSerializer(serializers.ModelSerializer):
    """A mirror's copy of one tilbud: its own fields, and related rows by stable key (id, slug,
    kode) rather than by name, so that the record changes only when the tilbud row does."""

    slettet = serializers.SerializerMethodField()
    organisasjon = serializers.PrimaryKeyRelatedField(read_only=True)
    rhf = serializers.SlugRelatedField(slug_field="kode", read_only=True)
    malgrupper = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    behandlingsformer = serializers.SlugRelatedField(
        slug_field="kode", many=True, read_only=True, help_text="Koder for behandlingsform."
    )
    lokasjoner = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Tilbud
        fields = [
            "id",
            "slettet",
            "endret",
            "versjon",
            "opprettet",
            "kilde_id",
            "navn",
            "organisasjon",
            "rhf",
            "lokasjoner",
            "kategori",
            "fagomrade",
            "malgrupper",
            "malgruppe_tekst",
            "diagnoser",
            "alder_fra",
            "alder_til",
            "alder_tekst",
            "inklusjonskriterier",
            "eksklusjonskriterier",
            "behandlingsformer",
            "behandlingsform_tekst",
            "varighet",
            "innhold",
            "deltilbud",
            "yrkesgrupper",
            "nav_samarbeid",
            "helseiarbeid",
            "helseiarbeid_tekst",
            "arbeidsgiverkontakt",
            "digitalt",
            "kapasitet",
            "henvisere",
            "henvisning_til",
            "henvisning_tekst",
            "henvisning_regional_regel",
            "henvisningstidspunkt",
            "ventetid_tekst",
            "ventetid_uker",
            "ventetid_type",
            "ventetid_dato",
            "ventetid_kilde",
            "kontakt",
            "nettside",
            "status",
            "status_merknad",
            "kilde",
            "kilde_linjer",
            "beskrivelse_2019",
            "merknader",
            "sist_bekreftet",
            "bekreftet_av",
        ]

    # Always false on a tilbud and true on a tombstone: the enum tells the two shapes of a sync
    # record apart (oneOf: a tilbud also had every field a tombstone has).
    @extend_schema_field({"type": "boolean", "enum": [False]})
    def get_slettet(self, obj: Tilbud) -> bool:
        return False

    def to_representation(self, instance: Tilbud) -> dict:
        data = super().to_representation(instance)
        # Set semantics: order by key, not by the related model's display ordering.
        for felt in ("malgrupper", "behandlingsformer", "lokasjoner"):
            data[felt] = sorted(data[felt])
        return data


@extend_schema_field({"type": "boolean", "enum": [True]})
class _AlltidSann(serializers.BooleanField):
    """`slettet` on a tombstone: always true."""


class SynkSlettetSerializer(serializers.Serializer):
    """Tombstone: the tilbud has ended (status «avsluttet») or is gone; a mirror removes it."""

    id = serializers.IntegerField()
    slettet = _AlltidSann()
    endret = serializers.DateTimeField()


class SynkSideSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="Neste side; null når du er à jour.")
    fortsett = serializers.URLField(
        help_text="Lagre denne: den gir senere det som er endret etter siste post på siden."
    )
    results = PolymorphicProxySerializer(
        component_name="SynkPost",
        serializers=[SynkTilbudSerializer, SynkSlettetSerializer],
        resource_type_field_name=None,
        many=True,
    )


def synk_poster(rader: list[dict[str, Any]]) -> list[dict]:
    """The page's records from `selectors.tilbud_endringer` rows: a tilbud as
    SynkTilbudSerializer shows it, or a tombstone for an ended one.

    The serializer gives the fields and their conversion (each field's own to_representation);
    the values come straight from the rows, not through DRF's attribute look-up per field, which
    cost more than everything else on a page of 100. tests/rapporter/test_synk.py checks that
    every record equals SynkTilbudSerializer's for the same tilbud."""
    plan, endret = _synk_plan()
    tidssone = timezone.get_current_timezone()
    poster: list[dict] = []
    for r in rader:
        if r["status"] == Tilbud.Status.AVSLUTTET:
            poster.append(
                {"id": r["id"], "slettet": True, "endret": endret.to_representation(r["endret"])}
            )
            continue
        post: dict[str, Any] = {}
        for navn, kolonne, f in plan:
            if kolonne is None:
                post[navn] = False
                continue
            verdi = r[kolonne]
            if f is _TIDSPUNKT and verdi is not None:
                verdi = iso_tidspunkt(verdi, tidssone)
            elif f is not None and verdi is not None:
                verdi = f.to_representation(verdi)
            post[navn] = verdi
        poster.append(post)
    return poster


_RELATERT = frozenset({"malgrupper", "behandlingsformer", "lokasjoner"})
_TIDSPUNKT = serializers.DateTimeField()  # a marker: converted inline in synk_poster
_SOM_I_DATABASEN = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.FloatField,
    serializers.JSONField,
)
# (output name, row key or None for the constant «slettet: false», field to convert with)
_Plan = list[tuple[str, str | None, serializers.Field | None]]


@functools.cache
def _synk_plan() -> tuple[_Plan, serializers.Field]:
    """How each output field of a record is made, built once per process: building a
    ModelSerializer's fields (with their translated labels) costs more than a page of 25."""
    felt = SynkTilbudSerializer().fields
    plan: _Plan = []
    for navn, f in felt.items():
        if navn == "slettet":
            plan.append((navn, None, None))
        elif navn == "organisasjon":
            plan.append((navn, "organisasjon_id", None))
        elif navn == "rhf":
            plan.append((navn, "rhf__kode", None))
        elif navn in _RELATERT:
            plan.append((navn, navn, None))  # sorted keys already
        elif isinstance(f, _SOM_I_DATABASEN) and not getattr(f, "binary", False):
            # str, int, bool, float and JSON come from the database as DRF shows them.
            plan.append((navn, navn, None))
        elif (
            type(f) is serializers.DateTimeField
            and getattr(f, "format", api_settings.DATETIME_FORMAT) == ISO_8601
            and getattr(f, "timezone", None) is None
        ):
            plan.append((navn, navn, _TIDSPUNKT))
        else:
            plan.append((navn, navn, f))
    return plan, felt["endret"]


# A "+" in a query string arrives as a space unless the client encoded it as %2B.
_MELLOMROM_FOR_SONE = re.compile(r" (\d{2}(:?\d{2})?)$")


@extend_schema_field(OpenApiTypes.DATETIME)
class TidspunktField(serializers.Field):
    """ISO 8601 with a time zone (Z or ±hh:mm); a naive time would mean different instants to
    the client and to us."""

    default_error_messages = {
        "ugyldig": "Ugyldig tidspunkt «{verdi}». Bruk ISO 8601 med tidssone, f.eks. "
        "2026-03-01T12:00:00Z eller 2026-03-01T13:00:00%2B01:00.",
        "uten_sone": "Tidspunktet «{verdi}» mangler tidssone. Legg til Z (UTC) eller "
        "%2B01:00 (husk å kode + som %2B i URL-en).",
    }

    def to_internal_value(self, data: object) -> datetime:
        tekst = str(data).strip()
        try:
            verdi = datetime.fromisoformat(_MELLOMROM_FOR_SONE.sub(r"+\1", tekst))
        except ValueError:
            self.fail("ugyldig", verdi=tekst)
        if verdi.tzinfo is None or verdi.utcoffset() is None:
            self.fail("uten_sone", verdi=tekst)
        return verdi

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class SynkParametere(serializers.Serializer):
    endret_etter = TidspunktField(
        required=False,
        help_text="Bare endringer etter dette tidspunktet (ISO 8601 med tidssone).",
    )
    cursor = serializers.CharField(
        required=False, help_text="Fra `next` eller `fortsett` i et tidligere svar."
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        default=100,
        error_messages={
            "invalid": "Må være et heltall fra 1 til 1000.",
            "min_value": "Må være et heltall fra 1 til 1000.",
            "max_value": "Må være et heltall fra 1 til 1000.",
        },
    )
    format = serializers.ChoiceField(
        required=False, choices=["json", "csv", "ndjson"], help_text="Svarformat."
    )
