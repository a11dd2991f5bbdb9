"""Input and output shapes of the referral API. Personal data only in the detail view."""

from typing import Any

from rest_framework import serializers

from helsearbeid.api.felt import StrengBoolsk, StrengTekst
from tilbud.models import Tilbud

from .. import his1206
from ..livssyklus import Avvisningsgrunn, Utfall
from ..models import Henvisning


class UtkastInput(serializers.Serializer):
    fodselsnummer = serializers.CharField(required=False, allow_blank=True, max_length=20)
    navn = serializers.CharField(required=False, allow_blank=True, max_length=200)
    diagnosekoder = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, max_length=10
    )
    sykmeldt = StrengBoolsk(required=False, allow_null=True)
    sykmelding_prosent = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100
    )
    sykmeldt_fra = serializers.DateField(required=False, allow_null=True)
    sporsmal = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    arbeidssituasjon = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    arbeidsgiverkontakt = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    nav_kontakt = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    samtykke = serializers.BooleanField(required=False)
    # The points of the tilbud's checklist the referral contains (GET …/sjekklister/<tilbud>/).
    sjekkliste = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )


class OpprettInput(UtkastInput):
    tilbud = serializers.IntegerField()


class VurderInput(serializers.Serializer):
    utfall = serializers.ChoiceField(choices=[u.value for u in Utfall])
    frist = serializers.DateField(required=False, allow_null=True)
    begrunnelse = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    videresendt_til = serializers.IntegerField(required=False, allow_null=True)


class AvvisInput(serializers.Serializer):
    avvisningsgrunn = serializers.ChoiceField(choices=[a.value for a in Avvisningsgrunn])
    begrunnelse = serializers.CharField(allow_blank=True, max_length=5000)


class SendInput(serializers.Serializer):
    bekreft_kapasitet = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send selv om tilbudet ikke tar imot nye pasienter nå (uten: 400 med grunnen).",
    )


class BegrunnelseInput(serializers.Serializer):
    begrunnelse = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SjekklisteInput(serializers.Serializer):
    punkter = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=200), max_length=50
    )


class SokInput(serializers.Serializer):
    fodselsnummer = serializers.CharField(max_length=20)

    def validate_fodselsnummer(self, verdi: str) -> str:
        from django.core.exceptions import ValidationError

        from ..services import valider_fodselsnummer

        try:
            return valider_fodselsnummer(verdi.strip())
        except ValidationError as feil:
            raise serializers.ValidationError(feil.messages) from feil


class ForesporselInput(serializers.Serializer):
    sporsmal = serializers.CharField(max_length=5000)


class SvarInput(serializers.Serializer):
    svar = StrengTekst(max_length=5000)


def _kort(h: Henvisning, idag: Any, *, bruker_id: int | None = None) -> dict[str, Any]:
    from ..selectors import er_forfalt, henviser

    return {
        "id": h.pk,
        "tilbud": {"id": h.tilbud_id, "navn": h.tilbud.navn},
        "mottaker": {"id": h.mottaker_id, "navn": h.mottaker.navn},
        # Who referred (name, HPR-nummer, practice, phone): for whoever may see the referral.
        "henviser": henviser(h).som_dict(),
        "status": h.status,
        "status_tekst": h.get_status_display(),
        "utfall": h.utfall or None,
        "frist": h.frist,
        "vurderingsfrist": h.vurderingsfrist,
        # The national status (HIS 1206) and its dates, and the same in words for the reader:
        # the sender reads what happens next, the receiving unit what it must do by when.
        "his1206": his1206.status_for(h),
        "status_i_ord": his1206.i_ord(h, idag=idag, mottaker=h.sender_id != bruker_id),
        "forfalt": er_forfalt(h, idag=idag),
        "sendt": h.sendt,
        "endret": h.endret,
    }


def videresending_ut(t: Tilbud) -> dict[str, Any]:
    return {
        "id": t.pk,
        "navn": t.navn,
        "organisasjon": t.organisasjon.navn,
        "rhf": {"kode": t.rhf.kode, "navn": t.rhf.navn},
    }


def liste_ut(h: Henvisning, idag: Any, *, bruker_id: int | None = None) -> dict[str, Any]:
    return _kort(h, idag, bruker_id=bruker_id)


def detalj_ut(h: Henvisning, idag: Any, *, part: str, handlinger: list[str]) -> dict[str, Any]:
    from ..livssyklus import Part
    from ..selectors import advarsler_for, statuslogg

    data = _kort(h, idag, bruker_id=h.sender_id if part == "sender" else None)
    data.update(
        {
            "din_rolle": part,
            "handlinger": handlinger,
            "advarsler": advarsler_for(h, Part(part)),
            "fodselsnummer": h.fodselsnummer,
            "navn": h.navn,
            "diagnosekoder": h.diagnosekoder,
            "sykmeldt": h.sykmeldt,
            "sykmelding_prosent": h.sykmelding_prosent,
            "sykmeldt_fra": h.sykmeldt_fra,
            "sporsmal": h.sporsmal,
            "arbeidssituasjon": h.arbeidssituasjon,
            "arbeidsgiverkontakt": h.arbeidsgiverkontakt,
            "nav_kontakt": h.nav_kontakt,
            "samtykke": h.samtykke,
            "sjekkliste": h.sjekkliste,
            "begrunnelse": h.begrunnelse,
            "avvisningsgrunn": h.avvisningsgrunn or None,
            "videresendt_til": h.videresendt_til_id,
            "videresendt_fra": h.videresendt_fra_id,
            # Sent although the tilbud took no new patients (the GP confirmed it).
            "sendt_tross_kapasitet": h.sendt_tross_kapasitet,
            "mottatt": h.mottatt,
            "vurdert": h.vurdert,
            "foresporsler": [
                {
                    "id": f.pk,
                    "sporsmal": f.sporsmal,
                    "spurt": f.spurt,
                    "svar": f.svar,
                    "besvart": f.besvart,
                }
                for f in h.foresporsler.all()
            ],
            "statuslogg": [
                {
                    "fra": s["fra"],
                    "til": s["til"],
                    "tekst": s["tekst"],
                    "tidspunkt": s["tidspunkt"],
                    "begrunnelse": s["begrunnelse"],
                }
                for s in statuslogg(h)
            ],
        }
    )
    return data


class His1206Serializer(serializers.Serializer):
    """For the OpenAPI schema: the national status of a referral and its dates."""

    kode = serializers.ChoiceField(
        choices=[k.value for k in his1206.His1206],
        allow_null=True,
        help_text="HIS 1206-koden (http://helsenorge.no/fhir/CodeSystem/henvisningsstatus). "
        "Våre tilstander og koden hver av dem vises som:\n\n" + his1206.som_markdown(),
    )
    navn = serializers.CharField(allow_null=True)
    ansiennitetsdato = serializers.DateField(
        allow_null=True,
        help_text="Første dato en mottaker i spesialisthelsetjenesten hadde henvisningen; "
        "følger med ved videresending.",
    )
    mottatt_dato = serializers.DateField(allow_null=True, help_text="Denne mottakerens dato.")
    frist_vurdering = serializers.DateField(
        allow_null=True, help_text="10 virkedager etter mottatt dato."
    )
    frist_helsehjelp = serializers.DateField(
        allow_null=True, help_text="Satt når rett til helsehjelp er gitt, påkrevd da."
    )
    vurdert_dato = serializers.DateField(allow_null=True)


class HenvisningSvar(serializers.Serializer):
    """For the OpenAPI schema: the parts of a referral that carry its status (the response has
    more fields)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=[v for v, _navn in Henvisning.Status.choices],
        help_text="Vår egen, rikere tilstand; `his1206.kode` er den nasjonale.",
    )
    his1206 = His1206Serializer()
    status_i_ord = serializers.CharField(
        help_text="Hvor henvisningen står, og innen hvilken dato noe må skje."
    )
