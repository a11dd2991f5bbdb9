"""Referrals (henvisninger) from a henviser to where a tilbud's referrals go, their status log,
requests for missing information (forespørsler) and the access log.

Identifying fields are stored encrypted (henvisning.krypto) with a keyed hash for look-up. When a
referral has ended, henvisning.services.personopplysninger_slett empties every personal field and
keeps the anonymous statistical record (status, dates, tilbud, region, diagnosis groups)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tilbud.models import Organisasjon, Tilbud

from . import krypto
from .kryptertfelt import KryptertJson, KryptertTekst
from .livssyklus import Status as _Status
from .livssyklus import Tilstand
from .livssyklus import Utfall as _Utfall


class Henvisning(models.Model):
    class Status(models.TextChoices):
        UTKAST = _Status.UTKAST.value, _("Utkast")
        SENDT = _Status.SENDT.value, _("Sendt")
        MOTTATT = _Status.MOTTATT.value, _("Mottatt")
        VURDERT = _Status.VURDERT.value, _("Vurdert")
        VENTER = _Status.VENTER.value, _("Venter på behandling")
        STARTET = _Status.STARTET.value, _("Behandling startet")
        AVSLUTTET = _Status.AVSLUTTET.value, _("Avsluttet")
        TRUKKET = _Status.TRUKKET.value, _("Trukket")
        AVVIST = _Status.AVVIST.value, _("Avvist")

    class Utfall(models.TextChoices):
        RETT = _Utfall.RETT.value, _("Rett til helsehjelp")
        IKKE_RETT = _Utfall.IKKE_RETT.value, _("Ikke rett til helsehjelp")
        VIDERESENDT = _Utfall.VIDERESENDT.value, _("Videresendt til et annet tilbud")

    tilbud = models.ForeignKey(
        Tilbud, on_delete=models.PROTECT, related_name="henvisninger", verbose_name=_("tilbud")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sendte_henvisninger",
        verbose_name=_("henviser"),
    )
    henvisertype = models.CharField(_("henvisertype"), max_length=20)
    mottaker = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="mottatte_henvisninger",
        verbose_name=_("mottaker"),
    )
    rhf = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="henvisninger_i_regionen",
        verbose_name=_("helseregion"),
    )
    videresendt_fra = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="videresendt_som",
        verbose_name=_("videresendt fra"),
    )

    # Personal data. Identifying fields encrypted; all of it emptied when the data is removed.
    fodselsnummer_kryptert = models.TextField(_("fødselsnummer (kryptert)"), blank=True)
    fodselsnummer_hash = models.CharField(
        _("fødselsnummer (nøkkelhash)"), max_length=64, blank=True, db_index=True
    )
    navn_kryptert = models.TextField(_("navn (kryptert)"), blank=True)
    # Health data: encrypted like the name (henvisning.kryptertfelt). The summaries count the
    # anonymous diagnosegrupper below, never the codes.
    diagnosekoder = KryptertJson(_("diagnosekoder"), default=list, blank=True)
    sykmeldt = models.BooleanField(_("sykmeldt"), null=True, blank=True)
    sykmelding_prosent = models.PositiveSmallIntegerField(
        _("sykmeldingsgrad (%)"), null=True, blank=True
    )
    sykmeldt_fra = models.DateField(_("sykmeldt fra"), null=True, blank=True)
    sporsmal = KryptertTekst(_("spørsmål til spesialisten"), blank=True)
    arbeidssituasjon = KryptertTekst(_("arbeidssituasjon"), blank=True)
    arbeidsgiverkontakt = KryptertTekst(_("kontakt med arbeidsgiver"), blank=True)
    nav_kontakt = KryptertTekst(_("kontakt med NAV"), blank=True)
    samtykke = models.BooleanField(_("pasientens samtykke"), default=False)
    # The tilbud's checklist as it stood when the GP filled it in: [{"punkt": …, "avkrysset": …}].
    sjekkliste = models.JSONField(_("sjekkliste"), default=list, blank=True)
    begrunnelse = KryptertTekst(_("begrunnelse"), blank=True)

    # The anonymous statistical record: kept after the personal data is removed.
    diagnosegrupper = models.JSONField(_("diagnosegrupper"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UTKAST
    )
    utfall = models.CharField(_("utfall"), max_length=12, choices=Utfall.choices, blank=True)
    avvisningsgrunn = models.CharField(_("avvisningsgrunn"), max_length=30, blank=True)
    frist = models.DateField(_("frist for helsehjelp"), null=True, blank=True)
    vurderingsfrist = models.DateField(_("frist for vurdering"), null=True, blank=True)
    # HIS 1206 dates (henvisning.his1206). Ansiennitetsdato: the first date any receiver in the
    # specialist health service had the referral; a forwarded copy keeps it (HIS 1208).
    # Mottatt dato: the date this receiver had it (a portal referral: the day it was sent).
    ansiennitetsdato = models.DateField(_("ansiennitetsdato"), null=True, blank=True)
    mottatt_dato = models.DateField(_("mottatt dato"), null=True, blank=True)
    videresendt_til = models.ForeignKey(
        Tilbud,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("videresendt til"),
    )
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    endret = models.DateTimeField(_("endret"), auto_now=True)
    sendt = models.DateTimeField(_("sendt"), null=True, blank=True)
    # The GP sent it although the tilbud said it took no new patients (and confirmed so): the
    # receiver sees it came in anyway.
    sendt_tross_kapasitet = models.BooleanField(
        _("sendt selv om tilbudet ikke tok imot nye"), default=False
    )
    mottatt = models.DateTimeField(_("mottatt"), null=True, blank=True)
    vurdert = models.DateTimeField(_("vurdert"), null=True, blank=True)
    lukket = models.DateTimeField(_("avsluttet"), null=True, blank=True, db_index=True)
    personopplysninger_slettet = models.DateTimeField(
        _("personopplysninger slettet"), null=True, blank=True
    )

    class Meta:
        ordering = ["-endret", "-id"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sykmelding_prosent__isnull=True)
                | models.Q(sykmelding_prosent__lte=100),
                name="henvisning_sykmelding_prosent_0_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(utfall="rett") | models.Q(frist__isnull=False),
                name="henvisning_rett_har_frist",
            ),
            # Seniority can only be earlier than (or the day of) this receiver's receipt.
            models.CheckConstraint(
                condition=models.Q(ansiennitetsdato__isnull=True)
                | models.Q(mottatt_dato__isnull=True)
                | models.Q(ansiennitetsdato__lte=models.F("mottatt_dato")),
                name="henvisning_ansiennitet_for_mottatt",
            ),
            models.CheckConstraint(
                condition=models.Q(status="utkast")
                | models.Q(samtykke=True)
                | models.Q(personopplysninger_slettet__isnull=False),
                name="henvisning_sendt_har_samtykke",
            ),
            # No empty drafts (henvisning.services.utkast_har_innhold says why this minimum).
            # Empty encrypted fields are stored as "" (henvisning.kryptertfelt), so the rule can
            # be checked without the key.
            models.CheckConstraint(
                condition=~models.Q(status="utkast")
                | models.Q(personopplysninger_slettet__isnull=False)
                | ~models.Q(fodselsnummer_kryptert="")
                | ~models.Q(navn_kryptert="")
                | ~models.Q(diagnosekoder="")
                | ~models.Q(sporsmal="")
                | ~models.Q(arbeidssituasjon="")
                | ~models.Q(arbeidsgiverkontakt="")
                | ~models.Q(nav_kontakt=""),
                name="henvisning_utkast_har_innhold",
                violation_error_message=_(
                    "Et utkast må ha pasientens fødselsnummer eller navn, en diagnosekode eller "
                    "en tekst før det kan lagres."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["mottaker", "status"], name="henvisning_mottaker_status_idx"),
            models.Index(fields=["sender", "status"], name="henvisning_sender_status_idx"),
        ]

    def __str__(self) -> str:
        # Never personal data: this ends up in logs, admin and error reports.
        return f"Henvisning {self.pk} ({self.status})"

    @property
    def tilstand(self) -> Tilstand:
        return Tilstand(_Status(self.status), _Utfall(self.utfall) if self.utfall else None)

    @property
    def fodselsnummer(self) -> str:
        return krypto.dekrypter(self.fodselsnummer_kryptert)

    @property
    def navn(self) -> str:
        return krypto.dekrypter(self.navn_kryptert)

    def sett_fodselsnummer(self, fodselsnummer: str) -> None:
        verdi = krypto.normaliser_fodselsnummer(fodselsnummer)
        self.fodselsnummer_kryptert = krypto.krypter(verdi)
        self.fodselsnummer_hash = krypto.fodselsnummer_hash(verdi) if verdi else ""

    def sett_navn(self, navn: str) -> None:
        self.navn_kryptert = krypto.krypter(navn.strip())


class Statusendring(models.Model):
    """One transition: who, when, from, to, and why."""

    henvisning = models.ForeignKey(
        Henvisning, on_delete=models.CASCADE, related_name="statusendringer"
    )
    fra_status = models.CharField(_("fra"), max_length=10, blank=True)
    til_status = models.CharField(_("til"), max_length=10)
    utfort_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    tidspunkt = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    begrunnelse = KryptertTekst(_("begrunnelse"), blank=True)

    class Meta:
        ordering = ["tidspunkt", "id"]
        verbose_name = _("statusendring")
        verbose_name_plural = _("statusendringer")

    def __str__(self) -> str:
        return f"{self.henvisning_id}: {self.fra_status} → {self.til_status}"


class Foresporsel(models.Model):
    """The receiver asks the sender for missing information; the sender answers."""

    henvisning = models.ForeignKey(
        Henvisning, on_delete=models.CASCADE, related_name="foresporsler"
    )
    sporsmal = KryptertTekst(_("spørsmål"))
    spurt_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    spurt = models.DateTimeField(_("spurt"), auto_now_add=True)
    svar = KryptertTekst(_("svar"), blank=True)
    besvart_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    besvart = models.DateTimeField(_("besvart"), null=True, blank=True)

    class Meta:
        ordering = ["spurt", "id"]
        verbose_name = _("forespørsel")
        verbose_name_plural = _("forespørsler")

    def __str__(self) -> str:
        return f"Forespørsel {self.pk} om henvisning {self.henvisning_id}"


class Tilgangslogg(models.Model):
    """Every opening of a referral: who, when, which referral, in which role, for what."""

    henvisning = models.ForeignKey(
        Henvisning, on_delete=models.PROTECT, related_name="tilgangslogg"
    )
    bruker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rolle = models.CharField(_("rolle"), max_length=10)
    handling = models.CharField(_("handling"), max_length=30)
    tidspunkt = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-tidspunkt", "-id"]
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")

    def __str__(self) -> str:
        return f"{self.bruker_id} ({self.rolle}) {self.handling} {self.henvisning_id}"


class Sjekkliste(models.Model):
    """A tilbud's «what the referral should contain» as a list of points, edited by the region's
    coordinators (henvisning:sjekkliste). The GP ticks them in the referral form, and the referral
    keeps the list as it stood (Henvisning.sjekkliste). Lives here, not on Tilbud, so that the
    catalogue's free-text «om henvisning» (prose from the reports) stays what it is."""

    MAKS_PUNKTER = 20
    MAKS_TEGN = 200

    tilbud = models.OneToOneField(
        Tilbud,
        on_delete=models.CASCADE,
        related_name="henvisning_sjekkliste",
        verbose_name=_("tilbud"),
    )
    punkter = models.JSONField(_("punkter"), default=list, blank=True)
    endret = models.DateTimeField(_("endret"), auto_now=True)
    endret_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endret av"),
    )

    class Meta:
        verbose_name = _("sjekkliste for henvisning")
        verbose_name_plural = _("sjekklister for henvisning")

    def __str__(self) -> str:
        return f"Sjekkliste for tilbud {self.tilbud_id}"

    def clean(self) -> None:
        punkter = self.punkter
        if not isinstance(punkter, list) or not all(isinstance(p, str) for p in punkter):
            raise ValidationError({"punkter": _("Punktene må være en liste med tekster.")})
        if len(punkter) > self.MAKS_PUNKTER:
            raise ValidationError({"punkter": _("Høyst %(n)s punkter.") % {"n": self.MAKS_PUNKTER}})
        for punkt in punkter:
            if not punkt.strip() or len(punkt) > self.MAKS_TEGN:
                raise ValidationError(
                    {
                        "punkter": _("Hvert punkt må ha tekst, høyst %(n)s tegn.")
                        % {"n": self.MAKS_TEGN}
                    }
                )
        if len(set(punkter)) != len(punkter):
            raise ValidationError({"punkter": _("Det samme punktet står to ganger.")})


class Nokkelsjekk(models.Model):
    """One row: a Fernet token of a known constant (krypto.SJEKKVERDI), written with the key the
    referrals are encrypted with, and the HMAC key's hash of it. If no configured key decrypts
    it, or the hash differs, the key is wrong, and the portal refuses to encrypt anything with it
    (henvisning.krypto.kontroller_mot_databasen).
    `roter_henvisningsnokkel` re-encrypts it with the newest key last."""

    token = models.TextField()
    # HMAC-SHA256 of the same constant with HENVISNING_HMAC_NOKKEL: a wrong HMAC key would make
    # every look-up by fødselsnummer silently find nothing.
    hmac = models.CharField(max_length=64, blank=True)
    endret = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nøkkelsjekk")
        verbose_name_plural = _("nøkkelsjekk")

    def __str__(self) -> str:
        return "Nøkkelsjekk"


def kryptert_helsedata() -> list[str]:
    """The referral's encrypted health fields (free text and diagnosis codes): lists and the
    removal of personal data defer them, so neither decrypts what it does not show."""
    return [
        f.name
        for f in Henvisning._meta.concrete_fields
        if isinstance(f, KryptertTekst | KryptertJson)
    ]


def krypterte_kolonner() -> list[tuple[type[models.Model], list[str]]]:
    """Every encrypted column, per model: what `roter_henvisningsnokkel` re-encrypts. The check
    value is not here: it is rotated last, on its own."""
    kolonner: list[tuple[type[models.Model], list[str]]] = []
    for modell in (Henvisning, Statusendring, Foresporsel):
        felt = [
            f.column
            for f in modell._meta.concrete_fields
            if isinstance(f, KryptertTekst | KryptertJson)
            or f.name in {"fodselsnummer_kryptert", "navn_kryptert"}
        ]
        kolonner.append((modell, felt))
    return kolonner


def henviserroller() -> models.Prefetch:
    """The senders' henviser roles (HPR-nummer, practice, phone) for a list of referrals, as
    `sender.henviserroller`: one query per list, whatever its length (selectors.henviser)."""
    from tilbud.models import Rolle

    return models.Prefetch(
        "sender__roller",
        queryset=Rolle.objects.filter(type=Rolle.Type.HENVISER),
        to_attr="henviserroller",
    )
