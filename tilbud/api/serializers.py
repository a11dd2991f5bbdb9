"""Output serializers: the API responses and the context of the HTML pages."""

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tilbud import selectors
from tilbud.models import (
    Behandlingsform,
    Diagnosekode,
    Kommune,
    Lokasjon,
    Malgruppe,
    MalgruppeKode,
    Organisasjon,
    Tilbud,
)
from tilbud.services.redigering import M2M_FELT, REDIGERBARE_FELT

MAKS_TEKST = 10_000


class RhfSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisasjon
        fields = ["kode", "navn"]


class OrganisasjonKortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisasjon
        fields = ["id", "navn", "type"]


class KommuneKortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kommune
        fields = ["nummer", "navn"]


class LokasjonSerializer(serializers.ModelSerializer):
    kommune = KommuneKortSerializer()

    class Meta:
        model = Lokasjon
        fields = ["id", "navn", "kommune"]


class MalgruppeKortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Malgruppe
        fields = ["slug", "navn"]


class BehandlingsformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Behandlingsform
        fields = ["kode", "navn"]


class KodeValgSerializer(serializers.Serializer):
    kode = serializers.CharField()
    navn = serializers.CharField()


class VentetidSerializer(serializers.Serializer):
    tekst = serializers.CharField(source="ventetid_tekst")
    uker = serializers.IntegerField(source="ventetid_uker", allow_null=True)
    type = serializers.CharField(source="ventetid_type")
    dato = serializers.DateField(source="ventetid_dato", allow_null=True)
    kilde = serializers.CharField(source="ventetid_kilde")


class TilbudListeSerializer(serializers.ModelSerializer):
    organisasjon = OrganisasjonKortSerializer()
    rhf = RhfSerializer()
    fagomrade = serializers.SerializerMethodField()
    malgrupper = MalgruppeKortSerializer(many=True)
    behandlingsformer = BehandlingsformSerializer(many=True)
    lokasjoner = LokasjonSerializer(many=True)
    ventetid = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    henvisning_til = serializers.SerializerMethodField()
    henvisning_kort = serializers.SerializerMethodField()
    ferskhet = serializers.SerializerMethodField()
    niva = serializers.SerializerMethodField()
    avstand_km = serializers.SerializerMethodField()

    class Meta:
        model = Tilbud
        fields = [
            "id",
            "navn",
            "organisasjon",
            "rhf",
            "fagomrade",
            "malgrupper",
            "behandlingsformer",
            "lokasjoner",
            "alder_fra",
            "alder_til",
            "helseiarbeid",
            "henvisning_til",
            "henvisning_kort",
            "ventetid",
            "status",
            "sist_bekreftet",
            "ferskhet",
            "niva",
            "avstand_km",
            "endret",
        ]

    @extend_schema_field(serializers.CharField())
    def get_henvisning_kort(self, obj: Tilbud) -> str:
        return selectors.henvisning_kort(obj)

    @extend_schema_field(KodeValgSerializer)
    def get_ferskhet(self, obj: Tilbud) -> dict:
        return selectors.ferskhet(obj.sist_bekreftet)

    @extend_schema_field(KodeValgSerializer(allow_null=True))
    def get_niva(self, obj: Tilbud) -> dict | None:
        """The patient's tier: present when the search named the patient's kommune."""
        rang = getattr(obj, "niva_rang", None)
        if rang is None:
            return None
        kode, navn = selectors.NIVAER[rang]
        return {"kode": kode, "navn": navn}

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_avstand_km(self, obj: Tilbud) -> float | None:
        return selectors.avstand_km(obj, self.context.get("pasientkommune"))

    @extend_schema_field(KodeValgSerializer)
    def get_fagomrade(self, obj: Tilbud) -> dict:
        return {"kode": obj.fagomrade, "navn": obj.get_fagomrade_display()}

    @extend_schema_field(KodeValgSerializer)
    def get_status(self, obj: Tilbud) -> dict:
        return {"kode": obj.status, "navn": obj.get_status_display()}

    @extend_schema_field(KodeValgSerializer)
    def get_henvisning_til(self, obj: Tilbud) -> dict:
        return {"kode": obj.henvisning_til, "navn": obj.get_henvisning_til_display()}

    @extend_schema_field(VentetidSerializer(allow_null=True))
    def get_ventetid(self, obj: Tilbud) -> dict | None:
        # Unknown stays unknown: no waiting time is ever made up.
        if not obj.ventetid_tekst:
            return None
        return VentetidSerializer(obj).data


class TilbudDetaljSerializer(TilbudListeSerializer):
    class Meta(TilbudListeSerializer.Meta):
        fields = [
            *TilbudListeSerializer.Meta.fields,
            "kilde_id",
            "kategori",
            "malgruppe_tekst",
            "diagnoser",
            "alder_tekst",
            "inklusjonskriterier",
            "eksklusjonskriterier",
            "behandlingsform_tekst",
            "varighet",
            "innhold",
            "deltilbud",
            "yrkesgrupper",
            "nav_samarbeid",
            "helseiarbeid_tekst",
            "arbeidsgiverkontakt",
            "digitalt",
            "kapasitet",
            "henvisere",
            "henvisning_tekst",
            "henvisning_regional_regel",
            "henvisningstidspunkt",
            "tar_imot_henvisninger",
            "kapasitet_bekreftet",
            "kontakt",
            "kontakt_bekreftet",
            "nettside",
            "status_merknad",
            "avsluttet_dato",
            "avsluttet_grunn",
            "kilde",
            "kilde_linjer",
            "beskrivelse_2019",
            "merknader",
            "bekreftet_av",
            "versjon",
            "opprettet",
        ]


class OrganisasjonSerializer(serializers.ModelSerializer):
    rhf = RhfSerializer(allow_null=True)
    avtaler = serializers.SerializerMethodField()

    class Meta:
        model = Organisasjon
        fields = [
            "id",
            "navn",
            "type",
            "kode",
            "rhf",
            "organisasjonsnummer",
            "aliaser",
            "nettside",
            "avtaler",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_avtaler(self, obj: Organisasjon) -> list[dict]:
        return [
            {"rhf": a.rhf.kode, "type": a.type, "navn": a.get_type_display()}
            for a in obj.avtaler.all()
        ]


class MalgruppeKodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MalgruppeKode
        fields = ["kodeverk", "fra", "til"]


class MalgruppeSerializer(serializers.ModelSerializer):
    koder = MalgruppeKodeSerializer(many=True)

    class Meta:
        model = Malgruppe
        fields = ["slug", "navn", "beskrivelse", "koder"]


class HelseforetakOmradeSerializer(serializers.Serializer):
    helseforetak = serializers.CharField(source="helseforetak.navn")
    bydelsnummer = serializers.CharField()
    bydelsnavn = serializers.CharField()


class KommuneSerializer(serializers.ModelSerializer):
    fylke = serializers.SerializerMethodField()
    rhf = RhfSerializer()
    opptaksomrader = HelseforetakOmradeSerializer(many=True)

    class Meta:
        model = Kommune
        fields = ["nummer", "navn", "fylke", "rhf", "lat", "lon", "opptaksomrader"]

    @extend_schema_field(KodeValgSerializer)
    def get_fylke(self, obj: Kommune) -> dict:
        return {"kode": obj.fylke_id, "navn": obj.fylke.navn}


class DiagnosekodeSerializer(serializers.ModelSerializer):
    visningskode = serializers.CharField()
    malgrupper = serializers.SerializerMethodField()

    class Meta:
        model = Diagnosekode
        fields = ["kodeverk", "kode", "visningskode", "tittel", "malgrupper"]

    @extend_schema_field(MalgruppeKortSerializer(many=True))
    def get_malgrupper(self, obj: Diagnosekode) -> list[dict]:
        kart = self.context.get("malgrupper_per_kode", {})
        return MalgruppeKortSerializer(kart.get(obj.id, []), many=True).data


class TilbudEndringSerializer(serializers.ModelSerializer):
    """Input for coordinators' and editors' changes: only editable fields, all optional."""

    grunn = serializers.CharField(required=False, allow_blank=True, max_length=500, write_only=True)
    malgrupper = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Malgruppe.objects.all()
    )
    behandlingsformer = serializers.SlugRelatedField(
        slug_field="kode", many=True, required=False, queryset=Behandlingsform.objects.all()
    )
    lokasjoner = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Lokasjon.objects.all()
    )

    class Meta:
        model = Tilbud
        fields = [*REDIGERBARE_FELT, *M2M_FELT, "grunn"]
        # Long enough for any real description, short enough that nobody pastes a book.
        extra_kwargs = {
            navn: {"required": False, "max_length": MAKS_TEKST}
            if isinstance(Tilbud._meta.get_field(navn), models.TextField)
            else {"required": False}
            for navn in REDIGERBARE_FELT
        }


class AvsluttSerializer(serializers.Serializer):
    dato = serializers.DateField()
    grunn = serializers.CharField(max_length=2000)


class HistorikkEndringSerializer(serializers.Serializer):
    fra = serializers.JSONField(allow_null=True)
    til = serializers.JSONField(allow_null=True)


class HistorikkSerializer(serializers.Serializer):
    versjon = serializers.IntegerField()
    tidspunkt = serializers.DateTimeField()
    hendelse = serializers.CharField()
    bruker = serializers.CharField(allow_blank=True)
    grunn = serializers.CharField(allow_blank=True)
    endringer = serializers.DictField(child=HistorikkEndringSerializer())
