"""How a tilbud is told to a GP: badge texts (freshness, tier), «Slik henviser du» in one line,
the distance from the patient's kommune, and choice labels and dates as the API writes them.

Presentation only: no queries. Used by the API serializers, the search's result card
(tilbud.sok.kort) and the pages.
"""

import math
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from .models import Kommune, Organisasjon, Tilbud, Ventetid
from .models.ventetid import UTDATERT_DAGER, VIST_REKKEFOLGE

# Tiers the way a GP thinks: own HF area, private providers with an agreement with the
# patient's RHF, the rest of the RHF, elsewhere.
NIVAER = {
    1: ("eget_hf", gettext_lazy("Ditt helseforetak")),
    2: ("avtale", gettext_lazy("Privat tilbud med avtale i din helseregion")),
    3: ("regionen", gettext_lazy("Andre tilbud i din helseregion")),
    4: ("utenfor", gettext_lazy("Utenfor din helseregion")),
}
_KM_PER_GRAD = 111.195


# Oslo without a bydel: the first tier holds every hospital with catchment in Oslo, none of
# which is known to be the patient's own.
OSLO_UTEN_BYDEL = gettext_lazy("Sykehus med opptaksområde i Oslo (velg bydel for pasientens eget)")


def niva(rang: int, *, uten_bydel: bool = False) -> dict[str, str]:
    """The tier badge of a ranked result (`niva_rang` 1–4); `uten_bydel`: the kommune is split
    by bydel and none was given, so the first tier is not «Ditt helseforetak»."""
    kode, navn = NIVAER[rang]
    if rang == 1 and uten_bydel:
        navn = OSLO_UTEN_BYDEL
    return {"kode": kode, "navn": str(navn)}


def ferskhet(sist_bekreftet: date, *, idag: date | None = None) -> dict[str, str]:
    """Staleness badge: thresholds are settings (FERSKHET_ELDRE_MANEDER / _GAMMEL_MANEDER)."""
    idag = idag or timezone.localdate()
    maneder = (idag.year - sist_bekreftet.year) * 12 + idag.month - sist_bekreftet.month
    for kode, grense in (
        ("gammel", settings.FERSKHET_GAMMEL_MANEDER),
        ("eldre", settings.FERSKHET_ELDRE_MANEDER),
    ):
        if maneder >= grense:
            return {
                "kode": kode,
                "navn": _("Ikke bekreftet på over %(maneder)s måneder") % {"maneder": grense},
            }
    return {"kode": "fersk", "navn": _("Nylig bekreftet")}


def henvisning_kort(tilbud: Tilbud) -> str:
    """'Slik henviser du' in one line, from where the referral goes and who may refer."""
    return henvisning_kort_tekst(
        henvisning_til=tilbud.henvisning_til,
        organisasjon_navn=tilbud.organisasjon.navn,
        organisasjon_type=tilbud.organisasjon.type,
        rhf_navn=tilbud.rhf.navn,
        henvisere=tilbud.henvisere,
    )


def henvisning_kort_tekst(
    *,
    henvisning_til: str,
    organisasjon_navn: str,
    organisasjon_type: str,
    rhf_navn: str,
    henvisere: list[str],
) -> str:
    """henvisning_kort from plain values (the search's result cards are built from rows)."""
    navn = {"navn": organisasjon_navn}
    til_hf = (
        _("Send henvisning til %(navn)s.") % navn
        if organisasjon_type != Organisasjon.Type.PRIVAT
        else _(
            "Send henvisning til helseforetaket (Helse og arbeid-poliklinikken eller DPS), "
            "som vurderer og henviser videre til %(navn)s."
        )
        % navn
    )
    hvor: dict[str, str] = {
        Tilbud.HenvisningTil.HF: til_hf,
        Tilbud.HenvisningTil.REGIONAL_VURDERING: _(
            "Send henvisning til regional vurderingsenhet (RKE/RVE), som vurderer retten "
            "til behandling."
        ),
        Tilbud.HenvisningTil.LEVERANDOR: _("Send henvisning direkte til %(navn)s.") % navn,
    }
    til = hvor.get(henvisning_til, _("Ukjent – kontakt %(rhf)s.") % {"rhf": rhf_navn})
    if henvisere:
        # The referrer kinds are the catalogue's own words (data), listed as they stand.
        til += " " + _("Kan henvise: %(hvem)s.") % {"hvem": ", ".join(henvisere)}
    return til


def avstand_km(tilbud: Tilbud, kommune: Kommune | None) -> float | None:
    """Distance from the patient's kommune to the tilbud's nearest site, in km. Uses the
    prefetched sites."""
    steder = [(lok.kommune.lat, lok.kommune.lon) for lok in tilbud.lokasjoner.all()]
    return avstand_km_til(steder, kommune)


def avstand_km_til(steder: list[tuple[Any, Any]], kommune: Kommune | None) -> float | None:
    """Distance from the patient's kommune to the nearest of the sites' (lat, lon), in km
    (equirectangular; good to a few percent at these distances)."""
    if kommune is None or not steder:
        return None
    lat0, lon0 = float(kommune.lat), float(kommune.lon)
    coslat = math.cos(math.radians(lat0))
    naermest = min(
        math.hypot(float(lat) - lat0, (float(lon) - lon0) * coslat) for lat, lon in steder
    )
    return round(naermest * _KM_PER_GRAD, 1)


def etikett(valg: type[models.TextChoices], verdi: str, sprak: str | None) -> str:
    """A choice's label in the language `sprak` (the active one), as get_FOO_display() gives
    it. That method rebuilds the whole choice dict, translating every label, on each call: 75
    times a search. Labels are remembered per language (a handful of choices)."""
    nokkel = (valg, verdi, sprak)
    if (tekst := _ETIKETTER.get(nokkel)) is None:
        try:
            tekst = str(valg(verdi).label)
        except ValueError:
            tekst = verdi
        _ETIKETTER[nokkel] = tekst
    return tekst


_ETIKETTER: dict[tuple[type, str, str | None], str] = {}


def dato(verdi: Any) -> str | None:
    """A date as DRF's DateField writes it (ISO 8601), None kept."""
    return verdi.isoformat() if verdi is not None else None


def elektronisk_adresse(her_id: int | None, her_navn: str) -> str | None:
    """«Arbeidsrettet rehabilitering, Helse Nord (HER-id 8765432)»: the receiving service as a
    GP's EPJ finds it in the Adresseregisteret; None when no HER-id is registered."""
    if her_id is None:
        return None
    if her_navn:
        return _("%(navn)s (HER-id %(her_id)s)") % {"navn": her_navn, "her_id": her_id}
    return _("HER-id %(her_id)s") % {"her_id": her_id}


# One waiting time as plain values, as the card and the API read it (tilbud.sok.kort): type,
# weeks from and to, «ca.» in the source, measured, source, source text.
Ventetidrad = tuple[str, int | None, int | None, bool, date, str, str]


def velg_vist_ventetid(rader: list[Ventetidrad]) -> Ventetidrad | None:
    """«The waiting time to show» of a tilbud's waiting times: the structured one of the first
    type in VIST_REKKEFOLGE, else the text alone, else None. The search sorts and filters by
    the same choice (tilbud.sok.parametere.vist_uker_maks)."""
    strukturerte = [r for r in rader if r[2] is not None]
    if strukturerte:
        return min(strukturerte, key=lambda r: VIST_REKKEFOLGE.index(r[0]))
    return rader[0] if rader else None


def uker_tekst(uker_min: int, uker_maks: int) -> str:
    """«ca. 4 uker», «ca. 4–6 uker», «ca. 1 uke»: a waiting time is an expectation, never a
    promise, so always «ca.»."""
    if uker_min == uker_maks:
        return ngettext("ca. %(n)s uke", "ca. %(n)s uker", uker_maks) % {"n": uker_maks}
    return gettext("ca. %(fra)s–%(til)s uker") % {"fra": uker_min, "til": uker_maks}


def ventetid_utdatert(malt: date, *, idag: date | None = None) -> bool:
    return ((idag or timezone.localdate()) - malt).days > UTDATERT_DAGER


def ventetid_visning(rad: Ventetidrad, *, idag: date | None = None) -> dict[str, Any]:
    """One waiting time as the API writes it (VentetidVistSerializer)."""
    type_, uker_min, uker_maks, omtrent, malt, kilde, tekst = rad
    sprak = get_language()
    visning = gettext("ikke strukturert")
    if uker_maks is not None and uker_min is not None:
        visning = uker_tekst(uker_min, uker_maks)
    return {
        "type": {"kode": type_, "navn": etikett(Ventetid.Type, type_, sprak)} if type_ else None,
        "uker_min": uker_min,
        "uker_maks": uker_maks,
        "omtrent": omtrent,
        "strukturert": uker_maks is not None,
        "visning": visning,
        "dato": dato(malt),
        "utdatert": ventetid_utdatert(malt, idag=idag),
        "kilde": {"kode": kilde, "navn": etikett(Ventetid.Kilde, kilde, sprak)},
        "tekst": tekst,
    }


def vist_ventetid(rader: list[Ventetidrad], *, idag: date | None = None) -> dict[str, Any] | None:
    """The waiting time to show, as the API writes it, or None (unknown stays unknown)."""
    valgt = velg_vist_ventetid(rader)
    return None if valgt is None else ventetid_visning(valgt, idag=idag)


def ventetidrad(v: Ventetid) -> Ventetidrad:
    return (v.type, v.uker_min, v.uker_maks, v.omtrent, v.dato, v.kilde, v.tekst)


def ventetidrader(tilbud: Tilbud) -> list[Ventetidrad]:
    """A tilbud's waiting times as plain values, from its prefetched `ventetider`."""
    return [ventetidrad(v) for v in tilbud.ventetider.all()]


def tar_imot_nye(
    kode: str, fra: date | None, til: date | None, *, idag: date | None = None
) -> dict[str, Any]:
    """Capacity as the API writes it. A «til og med» date that has passed makes it unknown
    again: what was said no longer covers today."""
    idag = idag or timezone.localdate()
    if til is not None and til < idag:
        kode, fra, til = Tilbud.TarImotNye.UKJENT, None, None
    return {
        "kode": kode,
        "navn": etikett(Tilbud.TarImotNye, kode, get_language()),
        "dato": dato(fra),
        "til_og_med": dato(til),
    }
