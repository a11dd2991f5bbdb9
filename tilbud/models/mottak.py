"""The mottak block's vocabulary: where a tilbud's referrals are received electronically.

The block itself is a set of fields on `Tilbud` (see there for why); this module holds what
they are checked against: the HER-id's form, who assesses the referral, and the message types
a receiver may accept (the ones a Norwegian EPJ can send, HIS 80517 and Dialogmelding 1.1).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# HER-ids (Adresseregisteret, OID 2.16.578.1.12.4.1.2) are positive whole numbers; the ones in
# use have up to 7-8 digits. Nine digits leave room without letting through a fødselsnummer
# (11) or an organisasjonsnummer typed into the wrong box only by accident of length.
HER_ID_MAKS = 999_999_999


def validate_her_id(value: int | None) -> None:
    """A HER-id is a positive whole number of at most nine digits."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= HER_ID_MAKS:
        raise ValidationError(
            _("«%(value)s» er ikke en gyldig HER-id (et positivt heltall, høyst 9 sifre)."),
            params={"value": value},
            code="ugyldig_her_id",
        )


class VurderesAv(models.TextChoices):
    """Who assesses the referral (rettighetsvurdering); blank is «ikke registrert»."""

    HF = "hf", _("Helseforetaket")
    RVE = "rve", _("Regional vurderingsenhet (RKE/RVE)")
    TILBYDER = "tilbyder", _("Tilbyderen selv")


class Melding(models.TextChoices):
    """Message types and versions a receiving service can accept (CPP/CPA lists them per
    HER-id). The label is what a GP's EPJ calls it."""

    HENVISNING_1_0 = "henvisning-1.0", "Henvisning 1.0"
    HENVISNING_1_1 = "henvisning-1.1", "Henvisning 1.1"
    HENVISNING_2_0 = "henvisning-2.0", "Henvisning 2.0"
    DIALOGMELDING_1_1 = "dialogmelding-1.1", "Dialogmelding 1.1"


# The XML namespace of each message (anchors_integration.md [A3]); 1.0 has none we can cite.
MELDING_NAVNEROM = {
    Melding.HENVISNING_1_1: "http://www.kith.no/xmlstds/henvisning/2012-02-15",
    Melding.HENVISNING_2_0: "http://ehelse.no/xmlstds/henvisning/2017-11-30",
    Melding.DIALOGMELDING_1_1: "http://www.kith.no/xmlstds/dialog/2013-01-23",
}


def validate_meldinger(value: object) -> None:
    """A list of known message codes, each once."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Oppgi meldingstypene som en liste."), code="ugyldige_meldinger")
    ukjente = [v for v in value if v not in Melding.values]
    if ukjente:
        raise ValidationError(
            _("Ukjent meldingstype: %(koder)s. Gyldige: %(gyldige)s."),
            params={"koder": ", ".join(ukjente), "gyldige": ", ".join(Melding.values)},
            code="ukjent_melding",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Hver meldingstype bare én gang."), code="dobbel_melding")
