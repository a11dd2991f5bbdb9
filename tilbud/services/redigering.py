"""Writes by coordinators and tilbudsredaktører: creating a tilbud, version-checked updates (no
lost updates), verification, ending, restoring an earlier version, and proposals for the
four-eyes rule. Every write runs in one transaction and carries who and why into the history
(PostgreSQL triggers, django-pghistory)."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helsearbeid.tekst import MAKS_TEKST
from helsearbeid.typer import Bruker
from tilbud.models import Endringsforslag, Lokasjon, Organisasjon, Tilbud
from tilbud.rules import er_administrator, rhf_for
from tilbud.services.historikk import historikk_kontekst
from tilbud.tilgang import kan_endre, kan_foresla, koordinerte_rhf

# What coordinators and editors edit; the rest (source references, ids, search columns, version)
# is kept by the system.
REDIGERBARE_FELT = [
    "navn", "kategori", "fagomrade", "malgruppe_tekst", "alder_fra", "alder_til", "alder_tekst",
    "inklusjonskriterier", "eksklusjonskriterier", "behandlingsform_tekst", "varighet", "innhold",
    "nav_samarbeid", "helseiarbeid", "helseiarbeid_tekst", "arbeidsgiverkontakt", "digitalt",
    "kapasitet", "henvisning_til", "henvisning_tekst", "henvisningstidspunkt", "ventetid_tekst",
    "ventetid_uker", "ventetid_type", "ventetid_dato", "ventetid_kilde", "tar_imot_henvisninger",
    "kapasitet_bekreftet", "kontakt", "kontakt_bekreftet", "nettside", "status_merknad",
    "startdato", "digital",
]  # fmt: skip
M2M_FELT = ["malgrupper", "behandlingsformer", "lokasjoner"]
# The mottak block as Adresseregisteret describes it: changed through the same service (and
# history) when a coordinator accepts an AR proposal (services/adresseregister.py). Not (yet) on
# the edit form: that is the mottak UI's business.
MOTTAK_FELT = ["her_id", "her_navn", "overordnet_her_id", "meldinger", "ar_kontrollert"]


# What coordinators may change on organisations and sites; type, RHF and code decide who may
# edit, so they stay with administrators.
ORGANISASJON_FELT = ["navn", "organisasjonsnummer", "nettside"]
LOKASJON_FELT = ["navn", "kommune"]
_FELT_FOR = {Tilbud: REDIGERBARE_FELT, Organisasjon: ORGANISASJON_FELT, Lokasjon: LOKASJON_FELT}
# How a conflict message names the object, and the pronoun that goes with it.
_NAVN = {
    Tilbud: ("Tilbudet", "det"),
    Organisasjon: ("Organisasjonen", "den"),
    Lokasjon: ("Stedet", "det"),
}


def for_lang(maks: int, lengde: int | None = None) -> str:
    """«Teksten er for lang: høyst 10 000 tegn (den har 10 485 760).»"""
    tall = f"{maks:,}".replace(",", "\u00a0")
    if lengde is None:
        return _("Teksten er for lang: høyst %(maks)s tegn.") % {"maks": tall}
    har = f"{lengde:,}".replace(",", "\u00a0")
    return _("Teksten er for lang: høyst %(maks)s tegn (den har %(har)s).") % {
        "maks": tall,
        "har": har,
    }


@dataclass
class Samtidighetskonflikt(Exception):
    """Someone saved the tilbud, organisation or site after the version the user started from."""

    objekt: Tilbud | Organisasjon | Lokasjon
    grunnversjon: int
    endringer: dict[str, dict[str, Any]] = field(default_factory=dict)
    endret_av: str = ""

    @property
    def tilbud(self) -> Any:
        return self.objekt

    def __str__(self) -> str:
        navn, pronomen = _NAVN[type(self.objekt)]
        hvem = f" av {self.endret_av}" if self.endret_av else ""
        felt = ", ".join(self.endringer) or "ukjente felt"
        return (
            f"{navn} ble endret{hvem} etter at du åpnet {pronomen} (versjon "
            f"{self.grunnversjon} → {self.objekt.versjon}). Endret: {felt}. Ingenting er lagret; "
            "se endringene og prøv igjen."
        )


def brukernavn(bruker: Bruker) -> str:
    return bruker.get_full_name() or bruker.get_username()


# Stored as text on the tilbud and shown to anyone (tilbud page, anonymous API, sync and
# exports), so it names a role and a region, never a person: «RHF-koordinator, Helse Nord».
ROLLE_KOORDINATOR = "RHF-koordinator"
ROLLE_ADMINISTRATOR = "Administrator, Helse og arbeid-registeret"


def regionnavn(rhf: Organisasjon) -> str:
    """«Helse Nord» for «Helse Nord RHF»."""
    return rhf.navn.removesuffix(" RHF").strip()


def offentlig_avsender(bruker: Bruker, rhf: Organisasjon) -> str:
    """Who confirmed or registered a tilbud, as the public may see it: the role and the region,
    not the user name (that stays in the history, which only the region's coordinators read)."""
    if rhf.pk in koordinerte_rhf(bruker):
        return f"{ROLLE_KOORDINATOR}, {regionnavn(rhf)}"
    if er_administrator(bruker):
        return ROLLE_ADMINISTRATOR
    # Only coordinators and administrators confirm; anything else still names no person.
    return f"{ROLLE_KOORDINATOR}, {regionnavn(rhf)}"


def _bekreftet_felt(bruker: Bruker, tilbud_id: int) -> dict[str, Any]:
    """The fresh-facts fields «Bekreft opplysningene» sets: today, and by whom (publicly)."""
    rhf = Tilbud.objects.select_related("rhf").only("rhf").get(pk=tilbud_id).rhf
    return {"sist_bekreftet": timezone.localdate(), "bekreftet_av": offentlig_avsender(bruker, rhf)}


def historikk(bruker: Bruker, grunn: str = "") -> Any:
    """Who and why, for the history events of this write."""
    return historikk_kontekst(bruker_id=bruker.pk, bruker=brukernavn(bruker), grunn=grunn)


def _for_lange_tekster(felt: dict[str, Any]) -> dict[str, str]:
    return {
        navn: for_lang(MAKS_TEKST, len(verdi))
        for navn, verdi in felt.items()
        if isinstance(verdi, str)
        and len(verdi) > MAKS_TEKST
        and isinstance(Tilbud._meta.get_field(navn), models.TextField)
    }


def _valider(tilbud: Tilbud, felt: dict[str, Any]) -> None:
    ukjente = sorted(set(felt) - set(REDIGERBARE_FELT) - set(M2M_FELT) - set(MOTTAK_FELT))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke endres her."))
    if feil := _for_lange_tekster(felt):
        raise ValidationError(feil)
    for navn, verdi in felt.items():
        if navn not in M2M_FELT:
            setattr(tilbud, navn, verdi)
    if tilbud.startdato and tilbud.avsluttet_dato and tilbud.avsluttet_dato < tilbud.startdato:
        raise ValidationError(
            {
                "startdato": _("Oppstart kan ikke være etter at tilbudet ble avsluttet (%(d)s).")
                % {"d": tilbud.avsluttet_dato.strftime("%d.%m.%Y")}
            }
        )
    if "lokasjoner" in felt:
        _valider_lokasjoner(tilbud, felt["lokasjoner"])
    tilbud.full_clean(validate_unique=False)


def _valider_lokasjoner(tilbud: Tilbud, lokasjoner: Any) -> None:
    """A tilbud is offered at its provider's sites (or sites it already has)."""
    onsket = {getattr(lok, "pk", lok) for lok in lokasjoner}
    tillatt = set(
        Lokasjon.objects.filter(
            Q(organisasjon_id=tilbud.organisasjon_id) | Q(tilbud__pk=tilbud.pk)
        ).values_list("pk", flat=True)
    )
    if onsket - tillatt:
        raise ValidationError(
            {"lokasjoner": _("Velg blant tilbyderens egne steder (legg til nye under tilbyderen).")}
        )


def endringer_siden(
    obj: Tilbud | Organisasjon | Lokasjon, versjon: int
) -> tuple[dict[str, dict[str, Any]], str]:
    """What changed since `versjon`, and by whom, from the history (empty without history)."""
    if not settings.HISTORIKK_AKTIV:
        return {}, ""
    modell = type(obj)
    # pghistory.track adds pgh_event_model when the class is made; the stubs cannot see it.
    hendelser = modell.pgh_event_model.objects.filter(pgh_obj_id=obj.pk)  # type: ignore[union-attr]
    for_ = hendelser.filter(versjon=versjon).order_by("-pgh_id").first()
    siste = hendelser.select_related("pgh_context").order_by("-pgh_id").first()
    if for_ is None or siste is None:
        return {}, ""
    # Foreign keys by their key (kommune number): no query per field.
    felter = {f.name: f for f in modell._meta.get_fields() if isinstance(f, models.Field)}
    felt = {navn: felter[navn].attname for navn in _FELT_FOR[modell]}
    endringer = {
        navn: {"fra": getattr(for_, attr), "til": getattr(obj, attr)}
        for navn, attr in felt.items()
        if getattr(for_, attr) != getattr(obj, attr)
    }
    kontekst = siste.pgh_context.metadata if siste.pgh_context else {}
    return endringer, kontekst.get("bruker", "")


def versjonssjekket_update(
    modell: type[Tilbud | Organisasjon | Lokasjon], pk: int, versjon: int, **felt: Any
) -> None:
    """UPDATE … WHERE versjon = <the version the user saw>: of two concurrent saves exactly
    one matches; the other is refused with what the first one changed."""
    if modell is Tilbud:
        felt["endret"] = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a unique clash must not end the transaction
            rader = modell.objects.filter(pk=pk, versjon=versjon).update(
                **felt, versjon=F("versjon") + 1
            )
    except IntegrityError as feil:
        # Another save took the same unique name in between the check and the UPDATE.
        raise ValidationError(_("Verdien er allerede i bruk. Last siden på nytt.")) from feil
    if rader == 0:
        naa = modell.objects.get(pk=pk)
        endringer, hvem = endringer_siden(naa, versjon)
        raise Samtidighetskonflikt(naa, versjon, endringer, hvem)


def _versjonssjekket_update(tilbud_id: int, versjon: int, **felt: Any) -> None:
    versjonssjekket_update(Tilbud, tilbud_id, versjon, **felt)


def tilbud_oppdater(
    *,
    bruker: Bruker,
    tilbud_id: int,
    versjon: int,
    endringer: dict[str, Any],
    grunn: str = "",
    bekreft: bool = False,
) -> Tilbud:
    """Apply a coordinator's changes, if nobody saved in between. With `bekreft` («Lagre og
    bekreft») the same version-checked UPDATE also marks the entry as confirmed today, so the
    change and the confirmation are one new version and one history entry."""
    kandidat = Tilbud.objects.get(pk=tilbud_id)
    _valider(kandidat, endringer)
    felt = {k: v for k, v in endringer.items() if k not in M2M_FELT}
    if bekreft:
        felt.update(_bekreftet_felt(bruker, tilbud_id))
        grunn = f"{grunn.strip()} ({BEKREFTET})" if grunn.strip() else BEKREFTET
    with transaction.atomic(), historikk(bruker, grunn):
        _versjonssjekket_update(tilbud_id, versjon, **felt)
        for navn in M2M_FELT:
            if navn in endringer:
                getattr(kandidat, navn).set(endringer[navn])
    return Tilbud.objects.get(pk=tilbud_id)


BEKREFTET = "Opplysningene bekreftet"
BEKREFTET_UENDRET = "Bekreftet uendret (flere tilbud samtidig)"


def tilbud_bekreft(
    *, bruker: Bruker, tilbud_id: int, versjon: int, grunn: str = BEKREFTET
) -> Tilbud:
    """«Bekreft opplysningene»: the entry is checked and right as of today."""
    with transaction.atomic(), historikk(bruker, grunn):
        _versjonssjekket_update(tilbud_id, versjon, **_bekreftet_felt(bruker, tilbud_id))
    return Tilbud.objects.get(pk=tilbud_id)


@dataclass(frozen=True)
class Massebekreftelse:
    """What «Bekreft uendret» on several tilbud did: how many were confirmed, and the refused
    ones (id → name, or «nr. <id>» for one that does not exist)."""

    bekreftet: int
    avvist: dict[int, str]


def tilbud_bekreft_flere(*, bruker: Bruker, tilbud_ider: list[int]) -> Massebekreftelse:
    """Bulk «Bekreft uendret» from «Mine tilbud»: the selected tilbud are confirmed today, each
    with its own history entry (the trigger writes one event per row). Only tilbud the user may
    change directly (kan_endre); if any selected one is not, nothing is confirmed and the
    refused ones are named, so the coordinator can fix the selection and send again without
    wondering which were done. A constant number of queries, however many are selected."""
    ider = list(dict.fromkeys(tilbud_ider))
    if not ider:
        raise ValidationError({"tilbud": _("Velg minst ett tilbud å bekrefte.")})
    funnet = {t.pk: t for t in Tilbud.objects.select_related("rhf").filter(pk__in=ider)}
    avvist = {
        pk: (f"«{funnet[pk].navn}»" if pk in funnet else _("nr. %(id)s") % {"id": pk})
        for pk in ider
        if pk not in funnet or not kan_endre(bruker, funnet[pk])
    }
    if avvist:
        return Massebekreftelse(bekreftet=0, avvist=avvist)
    # One UPDATE per public label (one per region at most), not one per tilbud.
    per_avsender: dict[str, list[int]] = {}
    for tilbud in funnet.values():
        per_avsender.setdefault(offentlig_avsender(bruker, tilbud.rhf), []).append(tilbud.pk)
    naa = timezone.now()
    with transaction.atomic(), historikk(bruker, BEKREFTET_UENDRET):
        for avsender, pker in per_avsender.items():
            Tilbud.objects.filter(pk__in=pker).update(
                sist_bekreftet=timezone.localdate(),
                bekreftet_av=avsender,
                endret=naa,
                versjon=F("versjon") + 1,
            )
    return Massebekreftelse(bekreftet=len(funnet), avvist={})


def tilbud_avslutt(
    *, bruker: Bruker, tilbud_id: int, versjon: int, dato: date, grunn: str
) -> Tilbud:
    """End a tilbud: nothing is deleted, GPs see it is ended and why."""
    if not grunn.strip():
        raise ValidationError({"avsluttet_grunn": "Skriv hvorfor tilbudet avsluttes."})
    startdato = Tilbud.objects.values_list("startdato", flat=True).get(pk=tilbud_id)
    if startdato and dato < startdato:
        raise ValidationError(
            {
                "dato": _("Avsluttet dato kan ikke være før oppstart (%(d)s).")
                % {"d": startdato.strftime("%d.%m.%Y")}
            }
        )
    with transaction.atomic(), historikk(bruker, grunn):
        _versjonssjekket_update(
            tilbud_id,
            versjon,
            status=Tilbud.Status.AVSLUTTET,
            avsluttet_dato=dato,
            avsluttet_grunn=grunn.strip(),
        )
    return Tilbud.objects.get(pk=tilbud_id)


def _json(verdi: Any) -> Any:
    if isinstance(verdi, date):
        return verdi.isoformat()
    if isinstance(verdi, list | tuple | set):
        return sorted(getattr(v, "pk", v) for v in verdi)
    return getattr(verdi, "pk", verdi)


def forslag_opprett(
    *,
    bruker: Bruker,
    tilbud_id: int,
    versjon: int,
    endringer: dict[str, Any],
    begrunnelse: str = "",
) -> Endringsforslag:
    """A tilbudsredaktør's change, validated like a direct edit, waiting for the coordinator."""
    kandidat = Tilbud.objects.get(pk=tilbud_id)
    _valider(kandidat, endringer)
    return Endringsforslag.objects.create(
        tilbud_id=tilbud_id,
        endringer={k: _json(v) for k, v in endringer.items()},
        grunnversjon=versjon,
        begrunnelse=begrunnelse,
        foreslatt_av=bruker,
    )


def tilbud_endre(
    *,
    bruker: Bruker,
    tilbud: Tilbud,
    versjon: int,
    endringer: dict[str, Any],
    grunn: str = "",
    bekreft: bool = False,
) -> Tilbud | Endringsforslag:
    """The one rule for a change to a tilbud, for the edit page and the API alike: the region's
    coordinator (or an administrator) changes it directly; its tilbudsredaktør's change becomes
    a proposal for the coordinator. Anyone else is refused. «Lagre og bekreft» (`bekreft`) is
    for those who change directly: confirming is the coordinator's call."""
    if kan_endre(bruker, tilbud):
        if bekreft and not endringer:
            return tilbud_bekreft(bruker=bruker, tilbud_id=tilbud.pk, versjon=versjon)
        return tilbud_oppdater(
            bruker=bruker,
            tilbud_id=tilbud.pk,
            versjon=versjon,
            endringer=endringer,
            grunn=grunn,
            bekreft=bekreft,
        )
    if not kan_foresla(bruker, tilbud):
        raise PermissionDenied(_("Bare regionens koordinator kan gjøre dette."))
    if bekreft:
        raise PermissionDenied(
            _("Bare regionens koordinator kan bekrefte opplysningene. Send endringen som forslag.")
        )
    return forslag_opprett(
        bruker=bruker, tilbud_id=tilbud.pk, versjon=versjon, endringer=endringer, begrunnelse=grunn
    )


def _besluttet(forslag: Endringsforslag) -> None:
    if forslag.status != Endringsforslag.Status.VENTER:
        raise ValidationError(f"Forslaget er allerede {forslag.get_status_display().lower()}.")


def forslag_godkjenn(
    *, bruker: Bruker, forslag_id: int, versjon: int, kommentar: str = ""
) -> Endringsforslag:
    """Apply a proposal to the tilbud as the coordinator sees it now (`versjon`)."""
    with transaction.atomic():
        forslag = Endringsforslag.objects.select_for_update().get(pk=forslag_id)
        _besluttet(forslag)
        tilbud = Tilbud.objects.get(pk=forslag.tilbud_id)
        felt = {f.name: f for f in Tilbud._meta.get_fields() if isinstance(f, models.Field)}
        endringer = {
            navn: felt[navn].to_python(verdi) if navn not in M2M_FELT else verdi
            for navn, verdi in forslag.endringer.items()
        }
        grunn = f"Forslag fra {brukernavn(forslag.foreslatt_av)} godkjent. {kommentar}".strip()
        tilbud_oppdater(
            bruker=bruker, tilbud_id=tilbud.pk, versjon=versjon, endringer=endringer, grunn=grunn
        )
        forslag.status = Endringsforslag.Status.GODKJENT
        forslag.besluttet_av, forslag.besluttet = bruker, timezone.now()
        forslag.kommentar = kommentar
        forslag.save()
    return forslag


def forslag_avvis(*, bruker: Bruker, forslag_id: int, kommentar: str) -> Endringsforslag:
    if not kommentar.strip():
        raise ValidationError({"kommentar": "Skriv hvorfor forslaget avvises."})
    with transaction.atomic():
        forslag = Endringsforslag.objects.select_for_update().get(pk=forslag_id)
        _besluttet(forslag)
        forslag.status = Endringsforslag.Status.AVVIST
        forslag.besluttet_av, forslag.besluttet = bruker, timezone.now()
        forslag.kommentar = kommentar.strip()
        forslag.save()
    return forslag


def tilbud_opprett(
    *, bruker: Bruker, rhf: Organisasjon, organisasjon: Organisasjon, felt: dict[str, Any]
) -> Tilbud:
    """A new tilbud in the coordinator's region, verified today by its creator."""
    if not (er_administrator(bruker) or rhf.pk in koordinerte_rhf(bruker)):
        raise PermissionDenied("Bare regionens koordinator kan opprette tilbud i regionen.")
    if rhf.pk not in rhf_for(organisasjon):
        raise ValidationError(
            {"organisasjon": "Tilbyderen hører ikke til helseregionen (eier eller avtale)."}
        )
    skalar = {k: v for k, v in felt.items() if k not in M2M_FELT}
    ukjente = sorted(set(skalar) - set(REDIGERBARE_FELT))
    if ukjente:
        raise ValidationError(dict.fromkeys(ukjente, "Feltet kan ikke settes her."))
    if feil := _for_lange_tekster(skalar):
        raise ValidationError(feil)
    if not felt.get("malgrupper"):
        raise ValidationError({"malgrupper": _("Velg minst én målgruppe.")})
    if felt.get("lokasjoner"):
        raise ValidationError(
            {"lokasjoner": _("Steder legges til etter at tilbudet er opprettet.")}
        )
    tilbud = Tilbud(
        **skalar,
        kilde_id=f"portal_{uuid.uuid4().hex[:12]}",
        organisasjon=organisasjon,
        rhf=rhf,
        kilde=f"Registrert i portalen av {offentlig_avsender(bruker, rhf)}",
        sist_bekreftet=timezone.localdate(),
        bekreftet_av=offentlig_avsender(bruker, rhf),
    )
    tilbud.full_clean(exclude=M2M_FELT)
    with transaction.atomic(), historikk(bruker, "Nytt tilbud"):
        tilbud.save()
        for navn in M2M_FELT:
            if navn in felt:
                getattr(tilbud, navn).set(felt[navn])
    return tilbud


def tilbud_gjenopprett(*, bruker: Bruker, tilbud_id: int, versjon: int, gjenopprett: int) -> Tilbud:
    """Restore the editable fields of recorded version `gjenopprett` as a new change (the
    history keeps both). Many-to-many fields are not in the history and stay as they are."""
    if not settings.HISTORIKK_AKTIV:
        raise ValidationError("Historikk føres ikke i denne installasjonen.")
    hendelse = (
        # pghistory.track adds pgh_event_model when the class is made; the stubs cannot see it.
        Tilbud.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
            pgh_obj_id=tilbud_id, versjon=gjenopprett
        )
        .order_by("-pgh_id")
        .first()
    )
    if hendelse is None:
        raise ValidationError(f"Fant ikke versjon {gjenopprett}.")
    naa = Tilbud.objects.get(pk=tilbud_id)
    endringer = {
        navn: getattr(hendelse, navn)
        for navn in REDIGERBARE_FELT
        if getattr(hendelse, navn) != getattr(naa, navn)
    }
    if not endringer:
        raise ValidationError(f"Versjon {gjenopprett} er lik dagens opplysninger.")
    return tilbud_oppdater(
        bruker=bruker,
        tilbud_id=tilbud_id,
        versjon=versjon,
        endringer=endringer,
        grunn=f"Gjenopprettet versjon {gjenopprett}",
    )
