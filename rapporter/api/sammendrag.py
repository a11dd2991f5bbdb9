"""`/api/v1/rapporter/sammendrag/`: the regional summaries, from the latest complete generation.

The catalogue figures at RHF level are open. Everything about referrals needs an API key, at
every level (without one the referral figures are null and `henvisningstall` is false), and so
do HF and fylke level (smaller regions are closer to the persons behind the figures)."""

import re
from typing import Any

from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from rapporter import selectors
from rapporter.models import (
    CELLEFELT,
    HENVISNINGSFELT,
    TALLFELT,
    ApiNokkel,
    Niva,
    Periodetype,
    Sammendragsgenerasjon,
    Sammendragsrad,
)
from tilbud.models import Fylke, Malgruppe, Organisasjon

from .views import AnalytikerApi

# Years 1900–2999, as the schema's pattern says: «0000» reached date(0, 1, 1) (a 500).
PERIODE = re.compile(r"^(19[0-9]{2}|2[0-9]{3})(?:-(0[1-9]|1[0-2]))?$")


class SammendragParametere(serializers.Serializer):
    niva = serializers.ChoiceField(
        choices=Niva.choices,
        default=Niva.RHF,
        help_text="rhf (katalogtallene er åpne), hf eller fylke (krever API-nøkkel).",
        error_messages={"invalid_choice": "Ukjent nivå «{input}». Gyldige: rhf, hf, fylke."},
    )
    region = serializers.CharField(
        required=False,
        help_text="RHF-kode (HSO, HV, HMN, HN): bare den regionen. På nivå hf også HF-ets id, "
        "på nivå fylke også fylkesnummeret (2 sifre).",
    )
    malgruppe = serializers.CharField(
        required=False, help_text="Målgruppens kode (slug), eller «alle» for bare totalradene."
    )
    periode = serializers.RegexField(
        PERIODE.pattern,
        required=False,
        error_messages={"invalid": "Bruk år (2026) eller måned (2026-03)."},
        help_text="År (2026) eller måned (2026-03). Uten: året til siste øyeblikksbilde.",
    )
    format = serializers.ChoiceField(required=False, choices=["json"], help_text="Svarformat.")

    def validate_region(self, verdi: str) -> str:
        return verdi.strip()

    def validate_malgruppe(self, verdi: str) -> str:
        if verdi != "alle" and not Malgruppe.objects.filter(slug=verdi).exists():
            raise serializers.ValidationError(f"Ukjent målgruppe «{verdi}».")
        return verdi

    def validate_periode(self, verdi: str) -> str:
        if not PERIODE.match(verdi):
            raise serializers.ValidationError("Bruk år (2026) eller måned (2026-03).")
        return verdi

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        region = data.get("region")
        if region:
            rhf_koder = set(
                Organisasjon.objects.filter(type=Organisasjon.Type.RHF).values_list(
                    "kode", flat=True
                )
            )
            if region.upper() in rhf_koder:
                data["rhf_kode"] = region.upper()
            elif (
                data["niva"] == Niva.HF
                and region.isdigit()
                and (
                    Organisasjon.objects.filter(
                        id=int(region), type__in=[Organisasjon.Type.HF, Organisasjon.Type.IDEELL]
                    ).exists()
                )
            ) or (data["niva"] == Niva.FYLKE and Fylke.objects.filter(nummer=region).exists()):
                data["region_kode"] = region
            else:
                raise serializers.ValidationError(
                    {"region": [f"Ukjent region «{region}» på nivå {data['niva']}."]}
                )
        return data


class GenerasjonSerializer(serializers.Serializer):
    rhf = serializers.CharField(source="rhf.kode")
    generasjon = serializers.IntegerField(source="nummer")
    bygget = serializers.DateTimeField()
    dato = serializers.DateField(help_text="Øyeblikksbildet gjelder katalogen per denne dagen.")


class SammendragsradSerializer(serializers.ModelSerializer):
    rhf = serializers.CharField(source="generasjon.rhf.kode")
    undertrykt = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Et henvisningstall i raden gjelder 1–4 personer og er skjult. Null uten "
        "API-nøkkel (da vises ingen henvisningstall).",
    )
    malgruppe = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    malgruppe_navn = serializers.CharField(source="malgruppe.navn", allow_null=True, default=None)

    class Meta:
        model = Sammendragsrad
        # One list of figures (rapporter.models.RADFELT) for the rebuild, this and the tests.
        fields = [
            "rhf",
            *[
                navn
                for felt in CELLEFELT
                for navn in (("malgruppe", "malgruppe_navn") if felt == "malgruppe_id" else (felt,))
            ],
            *TALLFELT,
        ]
        read_only_fields = fields


class SammendragSvarSerializer(serializers.Serializer):
    niva = serializers.CharField()
    henvisningstall = serializers.BooleanField(
        help_text="Om svaret har henvisningstall: bare med API-nøkkel. Uten nøkkel er alle "
        "henvisningstall og `undertrykt` null."
    )
    periodetype = serializers.CharField()
    periode = serializers.CharField(allow_null=True)
    bygget = serializers.DateTimeField(
        allow_null=True, help_text="Når det nyeste øyeblikksbildet i svaret ble bygget."
    )
    generasjoner = GenerasjonSerializer(many=True)
    results = SammendragsradSerializer(many=True)


class SammendragApi(AnalytikerApi):
    renderer_classes = [JSONRenderer]
    tillatte_parametere = frozenset(SammendragParametere().fields)

    @extend_schema(
        operation_id="rapporter_sammendrag",
        summary="Regionale sammendrag",
        description=(
            "Aktive tilbud, andel ikke bekreftet siste 12 måneder, tilbud per 100 000 "
            "innbyggere (null uten folketall) og dekningshull per region × målgruppe × "
            "fagområde × periode, fra siste ferdige øyeblikksbilde (`bygget`). `malgruppe: null` "
            'er alle målgrupper, `fagomrade: ""` alle fagområder.\n\n'
            "Henvisningstall: henvisninger *sendt* i perioden (måneden eller året fram til "
            "øyeblikksbildets dag, norsk tid) til tilbud i cellen, etter status nå "
            "(`status_*`, summen er `henvisninger_totalt`); vurdert, rett til helsehjelp og "
            "avslått (ikke rett eller avvist) med `andel_avvist`; `andel_vurdert_innen_10_dager` "
            "= vurdert eller avvist senest på vurderingsfristen (10 virkedager etter mottak) av "
            "dem med avgjørelse eller passert frist. Ventetid = kalenderdager fra sendt til "
            "behandlingen startet, for henvisninger der behandlingen *startet* i perioden "
            "(`ventetid_antall`); median og 90-persentil med lineær interpolasjon. Et tall som "
            "gjelder 1–4 personer er null, og `undertrykt` er true; en andel eller ventetid er "
            "null når telleren eller grunnlaget er det, og er ett statustall skjult, skjules også "
            "det nest minste.\n\n"
            "Henvisningstallene krever API-nøkkel på alle nivå: uten nøkkel er de null, og "
            "`henvisningstall` er false. Nivå `hf` og `fylke` krever API-nøkkel. Svaret har "
            "`ETag`."
        ),
        parameters=[SammendragParametere],
        responses={
            200: SammendragSvarSerializer,
            400: OpenApiResponse(description="Ugyldig parameter; meldingen sier hvilken."),
            401: OpenApiResponse(description="Nivået krever API-nøkkel, eller den er ugyldig."),
            403: OpenApiResponse(description="Innlogget uten API-nøkkel."),
        },
    )
    def get(self, request: Request) -> Response:
        parametere = SammendragParametere(data=request.query_params)
        parametere.is_valid(raise_exception=True)
        p = parametere.validated_data
        if p["niva"] != Niva.RHF and not isinstance(request.auth, ApiNokkel):
            melding = (
                f"Sammendrag på nivå {p['niva']} krever API-nøkkel "
                "(Authorization: Api-Key <nøkkel>)."
            )
            if request.user and request.user.is_authenticated:
                raise PermissionDenied(melding)
            raise NotAuthenticated(melding)
        periode = p.get("periode")
        periodetype = Periodetype.MANED if periode and "-" in periode else Periodetype.AR
        utvalg = selectors.sammendrag(
            niva=p["niva"],
            rhf_kode=p.get("rhf_kode"),
            region_kode=p.get("region_kode"),
            malgruppe=p.get("malgruppe"),
            periodetype=periodetype,
            periode=periode,
        )
        generasjoner: list[Sammendragsgenerasjon] = utvalg.generasjoner
        rader = SammendragsradSerializer(utvalg.rader, many=True).data
        med_henvisningstall = isinstance(request.auth, ApiNokkel)
        if not med_henvisningstall:
            skjult = dict.fromkeys((*HENVISNINGSFELT, "undertrykt"))
            rader = [{**rad, **skjult} for rad in rader]
        svar = Response(
            {
                "niva": p["niva"],
                "henvisningstall": med_henvisningstall,
                "periodetype": periodetype,
                "periode": periode,
                "bygget": utvalg.bygget,
                "generasjoner": GenerasjonSerializer(generasjoner, many=True).data,
                "results": rader,
            }
        )
        # The same URL answers differently with and without a key: no shared cache may mix
        # them up.
        patch_vary_headers(svar, ["Authorization"])
        return svar
