"""Serializers: the API responses and the context of the HTML pages, and the input of the
coordinators' and tilbudsredaktørers writes."""

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tilbud.models import (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Endringsforslag,
    Feilmelding,
    Kommune,
    Lokasjon,
    Malgruppe,
    MalgruppeKode,
    Organisasjon,
    Tilbud,
)
from tilbud.models.mottak import MELDING_NAVNEROM, Melding, VurderesAv
from tilbud.models.tilbud import Fagomrade
from tilbud.models.ventetid import DEFINISJON
from tilbud.services.redigering import M2M_FELT, MAKS_TEKST, REDIGERBARE_FELT, for_lang
from tilbud.visning import (
    avstand_km,
    elektronisk_adresse,
    etikett,
    ferskhet,
    henvisning_kort,
    niva,
    tar_imot_nye,
    ventetid_visning,
    ventetidrader,
    vist_ventetid,
)
from tilbud.visning import dato as iso_dato


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


class MeldingSerializer(serializers.Serializer):
    kode = serializers.ChoiceField(choices=Melding.choices)
    navn = serializers.CharField()
    navnerom = serializers.CharField(
        allow_null=True, help_text="XML-navnerommet, når det er kjent."
    )


class EnhetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    navn = serializers.CharField()


class VurderesAvSerializer(serializers.Serializer):
    kode = serializers.ChoiceField(choices=VurderesAv.choices)
    navn = serializers.CharField()
    enhet = EnhetSerializer()


class MottakSerializer(serializers.Serializer):
    """Where the referral is received electronically. Null (or an empty list) is «ikke
    registrert»: nothing is guessed."""

    her_id = serializers.IntegerField(allow_null=True)
    her_navn = serializers.CharField(help_text="Tjenestens navn slik Adresseregisteret gir det.")
    overordnet_her_id = serializers.IntegerField(allow_null=True)
    elektronisk_adresse = serializers.SerializerMethodField()
    vurderes_av = serializers.SerializerMethodField()
    meldinger = serializers.SerializerMethodField()
    ar_kontrollert = serializers.DateField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_elektronisk_adresse(self, obj: Tilbud) -> str | None:
        return elektronisk_adresse(obj.her_id, obj.her_navn)

    @extend_schema_field(VurderesAvSerializer(allow_null=True))
    def get_vurderes_av(self, obj: Tilbud) -> dict | None:
        if not obj.vurderes_av or obj.vurderingsenhet is None:
            return None
        return {
            "kode": obj.vurderes_av,
            "navn": etikett(VurderesAv, obj.vurderes_av, get_language()),
            "enhet": {"id": obj.vurderingsenhet.pk, "navn": obj.vurderingsenhet.navn},
        }

    @extend_schema_field(MeldingSerializer(many=True))
    def get_meldinger(self, obj: Tilbud) -> list[dict]:
        return [
            {"kode": kode, "navn": Melding(kode).label, "navnerom": MELDING_NAVNEROM.get(kode)}
            for kode in obj.meldinger
        ]


class VentetidVistSerializer(serializers.Serializer):
    """One waiting time. The definition is helsenorge's: tilbud.models.ventetid.DEFINISJON."""

    type = KodeValgSerializer(
        allow_null=True, help_text=_("Type behandling; null når ventetiden ikke er strukturert.")
    )
    uker_min = serializers.IntegerField(allow_null=True, help_text=_("Uker (fra)."))
    uker_maks = serializers.IntegerField(
        allow_null=True, help_text=_("Uker (til): forventet maksimum.")
    )
    omtrent = serializers.BooleanField(help_text=_("Kilden sa «ca.»."))
    strukturert = serializers.BooleanField(
        help_text=_("Usann: bare teksten er kjent («ikke strukturert»), ingen uker.")
    )
    visning = serializers.CharField(help_text=_("Slik kortet viser den: «ca. 4 uker»."))
    dato = serializers.DateField(help_text=_("Datoen ventetiden ble målt."))
    utdatert = serializers.BooleanField(
        help_text=_("Målt for mer enn 31 dager siden (UTDATERT_DAGER).")
    )
    kilde = KodeValgSerializer(help_text=_("koordinator, tilbyder eller rapport."))
    tekst = serializers.CharField(help_text=_("Ordene verdien ble lest fra, ordrett."))


class TarImotNyeSerializer(serializers.Serializer):
    kode = serializers.CharField(help_text=_("ja, venteliste, nei eller ukjent."))
    navn = serializers.CharField()
    dato = serializers.DateField(allow_null=True, help_text=_("Datoen det ble oppgitt."))
    til_og_med = serializers.DateField(allow_null=True, help_text=_("Gjelder til og med."))


class TilbudListeSerializer(serializers.ModelSerializer):
    organisasjon = OrganisasjonKortSerializer()
    rhf = RhfSerializer()
    fagomrade = serializers.SerializerMethodField()
    malgrupper = MalgruppeKortSerializer(many=True)
    behandlingsformer = BehandlingsformSerializer(many=True)
    lokasjoner = LokasjonSerializer(many=True)
    ventetid = serializers.SerializerMethodField()
    ventetid_vist = serializers.SerializerMethodField(help_text=DEFINISJON)
    tar_imot_nye = serializers.SerializerMethodField()
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
            "ventetid_vist",
            "tar_imot_nye",
            "status",
            "sist_bekreftet",
            "ferskhet",
            "niva",
            "avstand_km",
            "endret",
        ]

    @extend_schema_field(serializers.CharField())
    def get_henvisning_kort(self, obj: Tilbud) -> str:
        return henvisning_kort(obj)

    @extend_schema_field(KodeValgSerializer)
    def get_ferskhet(self, obj: Tilbud) -> dict:
        return ferskhet(obj.sist_bekreftet)

    @extend_schema_field(KodeValgSerializer(allow_null=True))
    def get_niva(self, obj: Tilbud) -> dict | None:
        """The patient's tier: present when the search named the patient's kommune."""
        rang = getattr(obj, "niva_rang", None)
        if rang is None:
            return None
        return niva(rang, uten_bydel=self.context.get("uten_bydel", False))

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_avstand_km(self, obj: Tilbud) -> float | None:
        return avstand_km(obj, self.context.get("pasientkommune"))

    @extend_schema_field(KodeValgSerializer)
    def get_fagomrade(self, obj: Tilbud) -> dict:
        return {"kode": obj.fagomrade, "navn": etikett(Fagomrade, obj.fagomrade, get_language())}

    @extend_schema_field(KodeValgSerializer)
    def get_status(self, obj: Tilbud) -> dict:
        return {"kode": obj.status, "navn": etikett(Tilbud.Status, obj.status, get_language())}

    @extend_schema_field(KodeValgSerializer)
    def get_henvisning_til(self, obj: Tilbud) -> dict:
        return {
            "kode": obj.henvisning_til,
            "navn": etikett(Tilbud.HenvisningTil, obj.henvisning_til, get_language()),
        }

    @extend_schema_field(VentetidSerializer(allow_null=True))
    def get_ventetid(self, obj: Tilbud) -> dict | None:
        # Unknown stays unknown: no waiting time is ever made up.
        if not obj.ventetid_tekst:
            return None
        return {
            "tekst": obj.ventetid_tekst,
            "uker": obj.ventetid_uker,
            "type": obj.ventetid_type,
            "dato": iso_dato(obj.ventetid_dato),
            "kilde": obj.ventetid_kilde,
        }

    @extend_schema_field(VentetidVistSerializer(allow_null=True))
    def get_ventetid_vist(self, obj: Tilbud) -> dict | None:
        """The waiting time to show (tilbud.visning.velg_vist_ventetid), or null: unknown."""
        return vist_ventetid(ventetidrader(obj))

    @extend_schema_field(TarImotNyeSerializer)
    def get_tar_imot_nye(self, obj: Tilbud) -> dict:
        return tar_imot_nye(obj.tar_imot_nye, obj.tar_imot_nye_dato, obj.tar_imot_nye_til)


class TilbudDetaljSerializer(TilbudListeSerializer):
    mottak = MottakSerializer(source="*")
    ventetider = serializers.SerializerMethodField(help_text=DEFINISJON)

    @extend_schema_field(VentetidVistSerializer(many=True))
    def get_ventetider(self, obj: Tilbud) -> list[dict]:
        """Every waiting time of the tilbud, one per type (and the text, if not structured)."""
        return [ventetid_visning(rad) for rad in ventetidrader(obj)]

    class Meta(TilbudListeSerializer.Meta):
        fields = [
            *TilbudListeSerializer.Meta.fields,
            "mottak",
            "ventetider",
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
            "digital",
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
            "startdato",
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
    gir_treff = serializers.BooleanField(
        read_only=True,
        help_text="Minst ett tilbud (ikke avsluttet) tar imot en av kodens målgrupper, der "
        "søket når (kommune, fylke eller region når gitt, ellers hele landet).",
    )

    class Meta:
        model = Diagnosekode
        fields = ["kodeverk", "kode", "visningskode", "tittel", "malgrupper", "gir_treff"]

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
    meldinger = serializers.ListField(
        child=serializers.ChoiceField(choices=Melding.choices), required=False, max_length=10
    )

    class Meta:
        model = Tilbud
        fields = [*REDIGERBARE_FELT, *M2M_FELT, "grunn"]
        # Long enough for any real description, short enough that nobody pastes a book.
        extra_kwargs = {
            navn: {
                "required": False,
                "max_length": MAKS_TEKST,
                "error_messages": {"max_length": for_lang(MAKS_TEKST)},
            }
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


# --- Writes by coordinators and tilbudsredaktører ----------------------------------------------
# Input serializers check shape and size only; the services validate the content (the same
# rules for the HTML forms and the API), and their field errors come back as HTTP 400.


def _opprett_kwargs() -> dict[str, dict]:
    kwargs = {navn: dict(v) for navn, v in TilbudEndringSerializer.Meta.extra_kwargs.items()}
    for navn in ("navn", "kategori", "fagomrade"):
        kwargs[navn]["required"] = True
    return kwargs


class TilbudOpprettSerializer(TilbudEndringSerializer):
    """A new tilbud: which region (the coordinator's; may be left out by a coordinator of one
    region) and which provider, then the same fields as an edit. Sites are added afterwards."""

    rhf = serializers.SlugRelatedField(
        slug_field="kode",
        queryset=Organisasjon.objects.none(),
        required=False,
        help_text="Helseregionens kode (HSO, HV, HMN, HN). Kan utelates av en koordinator for "
        "én region.",
    )
    organisasjon = serializers.PrimaryKeyRelatedField(
        queryset=Organisasjon.objects.none(),
        help_text="Tilbyderen: et helseforetak eller ideelt sykehus i regionen, eller en privat "
        "leverandør med avtale med den.",
    )
    malgrupper = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Malgruppe.objects.all()
    )

    class Meta(TilbudEndringSerializer.Meta):
        fields = ["rhf", "organisasjon", *REDIGERBARE_FELT, "malgrupper", "behandlingsformer"]
        extra_kwargs = _opprett_kwargs()

    def __init__(self, *args: Any, rhf: Any = None, organisasjoner: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if rhf is not None:
            self.fields["rhf"].queryset = rhf
        if organisasjoner is not None:
            self.fields["organisasjon"].queryset = organisasjoner


class GjenopprettSerializer(serializers.Serializer):
    versjon = serializers.IntegerField(
        min_value=1, help_text="Versjonen fra historikken som skal gjenopprettes."
    )


class OrganisasjonEndringSerializer(serializers.Serializer):
    navn = serializers.CharField(required=False, max_length=200)
    organisasjonsnummer = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        help_text="Ni sifre med gyldig kontrollsiffer (mod 11); tomt fjerner nummeret.",
    )
    nettside = serializers.CharField(required=False, allow_blank=True, max_length=200)
    grunn = serializers.CharField(required=False, allow_blank=True, max_length=500)


class OrganisasjonOpprettSerializer(serializers.Serializer):
    """A new provider in the coordinator's region. The service validates the content (mod 11,
    unique name and number, agreement for a private provider): the same rules as the form."""

    rhf = serializers.SlugRelatedField(
        slug_field="kode",
        queryset=Organisasjon.objects.none(),
        required=False,
        help_text="Helseregionens kode (HSO, HV, HMN, HN). Kan utelates av en koordinator for "
        "én region.",
    )
    navn = serializers.CharField(max_length=200)
    # The model's choices (one enum in the schema); the service refuses «rhf» with a field
    # error: the four RHF are kept by administrators.
    type = serializers.ChoiceField(
        choices=Organisasjon.Type.choices,
        help_text="hf: helseforetak eid av regionen; ideell: ideelt sykehus med driftsavtale "
        "med regionen; privat: privat leverandør med avtale med regionen. Ikke rhf.",
    )
    organisasjonsnummer = serializers.CharField(
        max_length=20, help_text="Ni sifre med gyldig kontrollsiffer (mod 11)."
    )
    nettside = serializers.CharField(required=False, allow_blank=True, max_length=200)
    avtaletype = serializers.ChoiceField(
        choices=Avtale.Type.choices,
        required=False,
        allow_blank=True,
        help_text="Påkrevd for privat leverandør: hva avtalen med regionen gjelder.",
    )
    grunn = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def __init__(self, *args: Any, rhf: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rhf is not None:
            self.fields["rhf"].queryset = rhf


class LokasjonEndringSerializer(serializers.Serializer):
    navn = serializers.CharField(required=False, max_length=200)
    kommune = serializers.PrimaryKeyRelatedField(
        required=False, queryset=Kommune.objects.all(), help_text="Kommunenummer (4 sifre)."
    )
    grunn = serializers.CharField(required=False, allow_blank=True, max_length=500)


class LokasjonOpprettSerializer(LokasjonEndringSerializer):
    navn = serializers.CharField(max_length=200)
    kommune = serializers.PrimaryKeyRelatedField(
        queryset=Kommune.objects.all(), help_text="Kommunenummer (4 sifre)."
    )


class LokasjonDetaljSerializer(serializers.ModelSerializer):
    kommune = KommuneKortSerializer()
    organisasjon = OrganisasjonKortSerializer()

    class Meta:
        model = Lokasjon
        fields = ["id", "navn", "kommune", "organisasjon", "versjon"]


class OrganisasjonDetaljSerializer(OrganisasjonSerializer):
    class Meta(OrganisasjonSerializer.Meta):
        fields = [*OrganisasjonSerializer.Meta.fields, "versjon"]


class TilbudKortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tilbud
        fields = ["id", "navn", "versjon"]


def _navn(bruker: Any) -> str | None:
    if bruker is None:
        return None
    return bruker.get_full_name() or bruker.get_username()


class ForslagSerializer(serializers.ModelSerializer):
    """A tilbudsredaktør's proposal and, once decided, the coordinator's answer."""

    tilbud = TilbudKortSerializer()
    status = serializers.SerializerMethodField()
    foreslatt_av = serializers.SerializerMethodField()
    besluttet_av = serializers.SerializerMethodField()
    utdatert = serializers.SerializerMethodField(
        help_text="Tilbudet er endret siden forslaget ble laget."
    )
    endringer = serializers.DictField(help_text="Felt → foreslått verdi.")

    class Meta:
        model = Endringsforslag
        fields = [
            "id",
            "tilbud",
            "endringer",
            "grunnversjon",
            "begrunnelse",
            "foreslatt_av",
            "opprettet",
            "status",
            "besluttet_av",
            "besluttet",
            "kommentar",
            "utdatert",
        ]

    @extend_schema_field(KodeValgSerializer)
    def get_status(self, obj: Endringsforslag) -> dict:
        return {"kode": obj.status, "navn": obj.get_status_display()}

    @extend_schema_field(serializers.CharField())
    def get_foreslatt_av(self, obj: Endringsforslag) -> str | None:
        return _navn(obj.foreslatt_av)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_besluttet_av(self, obj: Endringsforslag) -> str | None:
        return _navn(obj.besluttet_av)

    @extend_schema_field(serializers.BooleanField())
    def get_utdatert(self, obj: Endringsforslag) -> bool:
        return obj.grunnversjon != obj.tilbud.versjon


class FeilmeldingSerializer(serializers.ModelSerializer):
    """A «Meld feil» report. The reporter's e-mail address is not shown, only whether there is
    one (they get a short thank-you when the report is resolved)."""

    tilbud = TilbudKortSerializer()
    felt = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    har_epost = serializers.SerializerMethodField()
    lost_av = serializers.SerializerMethodField()

    class Meta:
        model = Feilmelding
        fields = [
            "id",
            "tilbud",
            "felt",
            "beskrivelse",
            "har_epost",
            "opprettet",
            "status",
            "lost_av",
            "lost_tidspunkt",
            "lost_notat",
        ]

    @extend_schema_field(KodeValgSerializer)
    def get_felt(self, obj: Feilmelding) -> dict:
        return {"kode": obj.felt, "navn": obj.get_felt_display()}

    @extend_schema_field(KodeValgSerializer)
    def get_status(self, obj: Feilmelding) -> dict:
        return {"kode": obj.status, "navn": obj.get_status_display()}

    @extend_schema_field(serializers.BooleanField())
    def get_har_epost(self, obj: Feilmelding) -> bool:
        return bool(obj.epost)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lost_av(self, obj: Feilmelding) -> str | None:
        return _navn(obj.lost_av)


class GodkjennSerializer(serializers.Serializer):
    kommentar = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AvvisSerializer(serializers.Serializer):
    kommentar = serializers.CharField(
        max_length=2000, help_text="Hvorfor forslaget avvises; tilbudsredaktøren ser den."
    )


class LosSerializer(serializers.Serializer):
    notat = serializers.CharField(
        max_length=5000, help_text="Hva ble gjort (internt; den som meldte får bare en takk)."
    )


class ForslagSvarSerializer(serializers.Serializer):
    """202: a tilbudsredaktør's change waits for the coordinator."""

    forslag = serializers.IntegerField()
    status = serializers.CharField()


class FeilSerializer(serializers.Serializer):
    detail = serializers.CharField()


class KonfliktSerializer(serializers.Serializer):
    """412: someone saved in between; nothing was saved. When If-Match names another object (or
    is `*`), only `detail` is given: there is no version to compare."""

    detail = serializers.CharField()
    versjon = serializers.IntegerField(required=False)
    endret_av = serializers.CharField(allow_blank=True, required=False)
    endringer = serializers.DictField(child=HistorikkEndringSerializer(), required=False)
