"""Which målgrupper the catalogue serves where, so that a diagnosis never ends in a silent dead
end: the diagnosis type-ahead ranks the codes that give tilbud first and marks the others
(`diagnosekoder_med_treff`), and an empty search for a code says why nothing matches and offers
the nearest målgruppe search (`diagnose_uten_treff`).

«Gives tilbud» means what the search itself would show: at least one tilbud that is not ended,
serving one of the code's målgrupper, found by the same search without the diagnosis (so in
the chosen kommune's, fylke's or region's reach when one is chosen, otherwise anywhere).
"""

from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from tilbud.models import Diagnosekode, Malgruppe, MalgruppeKode, Tilbud
from tilbud.referanse import referanse
from tilbud.selectors import DiagnoseOppslag, diagnosekoder_sok, malgruppe_spenn

from .filtre import TilbudFilter
from .motor import Motor, velg_motor
from .parametere import beskriv

# The search parameters that say where: the type-ahead takes these.
GEOGRAFI = ("kommune", "postnummer", "fylke", "rhf")
# What the search for a målgruppe leaves out of the query it came from.
UTEN_DIAGNOSE = ("diagnose", "malgruppe", "page")
# A range further than this many codes away in the same chapter is not «near» in meaning
# (chapters list symptoms, then injuries, then diseases); then the work-related målgruppe.
MAKS_AVSTAND = 5
# Sick leave for work problems (Z05) and for tiredness (A04): the mapping sends both to the
# tilbud that take people whatever the diagnosis. The målgruppe they share is the fallback of
# the nearest målgruppe (a code far from every range in meaning).
UAVHENGIG_AV_DIAGNOSE = (("ICPC2", "Z05"), ("ICPC2", "A04"))


def malgrupper_med_tilbud(params: QueryDict, motor: Motor | None = None) -> dict[int, int]:
    """Målgruppe id → how many tilbud the search with these parameters finds serving it (the
    diagnosis and målgruppe left out): one query. Raises ValidationError for a bad parameter."""
    motor = motor or velg_motor()
    data = QueryDict(mutable=True)
    for navn in params:
        verdi = params.get(navn)
        if navn not in UTEN_DIAGNOSE and verdi:
            data[navn] = str(verdi)
    sok = TilbudFilter(data, queryset=motor.grunnlag(), motor=motor)
    if not sok.is_valid():
        raise ValidationError(sok.errors)
    tilbud = sok.qs.order_by().values("pk")
    rader = (
        Tilbud.malgrupper.through.objects.filter(tilbud_id__in=tilbud)
        .values("malgruppe_id")
        .annotate(antall=Count("tilbud_id"))
    )
    return {r["malgruppe_id"]: r["antall"] for r in rader}


def _treff_vilkar(malgruppe_ider: set[int]) -> Q:
    """Codes (annotated with their 3-character `kategori`) mapped to one of the målgrupper."""
    vilkar = Q(pk__in=[])
    for s in malgruppe_spenn():
        if s.malgruppe_id in malgruppe_ider:
            vilkar |= Q(kodeverk=s.kodeverk, kategori__gte=s.fra, kategori__lte=s.til)
    return vilkar


def diagnosekoder_med_treff(
    q: str, *, kodeverk: str | None, params: QueryDict
) -> QuerySet[Diagnosekode]:
    """The type-ahead (tilbud.selectors.diagnosekoder_sok), codes that give tilbud first, each
    annotated `gir_treff`. `params` may say where (GEOGRAFI); a bad one is a ValidationError."""
    geografi = QueryDict(mutable=True)
    for navn in GEOGRAFI:
        verdi = params.get(navn)
        if verdi:
            geografi[navn] = str(verdi)
    med_tilbud = set(malgrupper_med_tilbud(geografi))
    qs = diagnosekoder_sok(q, kodeverk=kodeverk)
    rekkefolge = [str(o) for o in qs.query.order_by]
    qs = qs.annotate(kategori=Substr("sokekode", 1, 3)).annotate(
        gir_treff=Case(
            When(_treff_vilkar(med_tilbud), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return qs.order_by("-gir_treff", *rekkefolge)


def _nummer(kategori: str) -> int | None:
    return int(kategori[1:3]) if kategori[1:3].isdigit() else None


def _avstand(kodeverk: str, kategori: str, spenn: MalgruppeKode) -> int | None:
    """How many codes the range lies from the category, in the same code list and chapter."""
    if spenn.kodeverk != kodeverk or spenn.fra[:1] != kategori[:1]:
        return None
    if spenn.fra <= kategori <= spenn.til:
        return 0
    n, fra, til = _nummer(kategori), _nummer(spenn.fra), _nummer(spenn.til)
    if n is None or fra is None or til is None:
        return None
    return min(abs(n - fra), abs(n - til))


def naermeste_malgruppe(kodeverk: str, kategori: str, antall: dict[int, int]) -> Malgruppe | None:
    """The målgruppe that serves tilbud (`antall`: id → tilbud) nearest to a code category in
    the mapping (fixtures/malgruppe_koder.csv): a range of the same chapter at most
    MAKS_AVSTAND codes away, nearest first; else the one the codes for work problems and
    tiredness share (UAVHENGIG_AV_DIAGNOSE); else the one with the most tilbud. Ties go to the
    one with more tilbud."""
    spenn = [s for s in malgruppe_spenn() if antall.get(s.malgruppe_id)]
    if not spenn:
        return None
    kandidater = []
    for s in spenn:
        avstand = _avstand(kodeverk, kategori, s)
        if avstand is not None and avstand <= MAKS_AVSTAND:
            kandidater.append((avstand, -antall[s.malgruppe_id], s.malgruppe_id))
    if not kandidater:
        # Ordered by how many of the diagnosis-independent codes map to it (most first).
        treff: dict[int, int] = {}
        for kv, kode in UAVHENGIG_AV_DIAGNOSE:
            for s in spenn:
                if s.kodeverk == kv and s.fra <= kode <= s.til:
                    treff[s.malgruppe_id] = treff.get(s.malgruppe_id, 0) - 1
        kandidater = [(n, -antall[i], i) for i, n in treff.items()] or [
            (0, -n, i) for i, n in antall.items() if n
        ]
    malgrupper = {m.pk: m for m in referanse().malgrupper.values()}
    for *_rekkefolge, malgruppe_id in sorted(kandidater, key=lambda k: k[:2]):
        if malgruppe_id in malgrupper:
            return malgrupper[malgruppe_id]
    return None


def _navneliste(navn: list[str]) -> str:
    if len(navn) <= 1:
        return "".join(navn)
    return _("%(forste)s og %(siste)s") % {"forste": ", ".join(navn[:-1]), "siste": navn[-1]}


def diagnose_uten_treff(
    params: QueryDict, oppslag: DiagnoseOppslag, data: dict[str, Any], motor: Motor
) -> dict[str, Any] | None:
    """Why a search with a diagnosis found nothing, when the diagnosis is the reason: the code
    is outside every målgruppe of the registry (`utenfor_malgruppene`), or no tilbud the same
    search reaches serves its målgrupper (`ingen_i_omradet`); with the nearest målgruppe
    search that does find tilbud (the same query, the målgruppe instead of the diagnosis).
    None when the search without the diagnosis finds nothing either (another filter is why)."""
    try:
        antall = malgrupper_med_tilbud(params, motor)
    except ValidationError:
        return None
    if not antall:
        return None
    if oppslag.malgruppe_ider & set(antall):
        return None  # the code's målgrupper are served: something else removed everything
    # A code is named with its title (Z73.0 Utbrenthet); words as typed.
    forste = oppslag.treff[0] if oppslag.treff else None
    som_kode = oppslag.sokt.strip().upper().replace(".", "")
    er_kode = forste is not None and forste.kode.replace(".", "").upper() == som_kode
    if er_kode and forste and not forste.er_kategori:
        kode = f"«{oppslag.sokt} {forste.tittel}»"
    else:
        kode = f"«{oppslag.sokt}»"
    alle = referanse().malgrupper.values()
    if not oppslag.malgruppe_ider:
        grunn = "utenfor_malgruppene"
        forklaring = _(
            "%(kode)s hører ikke til målgruppene i registeret (%(malgrupper)s). Tilbudene her er "
            "arbeidsrettet behandling for dem, så ingen tilbud er registrert for denne koden."
        ) % {"kode": kode, "malgrupper": _navneliste([m.navn.lower() for m in alle])}
    else:
        grunn = "ingen_i_omradet"
        uten = {k: v for k, v in data.items() if k not in UTEN_DIAGNOSE}
        forklaring = _("Ingen tilbud %(hvor)s tar imot %(malgrupper)s, som %(kode)s hører til.") % {
            "hvor": beskriv(uten),
            "malgrupper": _navneliste(
                [m.navn.lower() for m in alle if m.pk in oppslag.malgruppe_ider]
            ),
            "kode": kode,
        }
    svar: dict[str, Any] = {"grunn": grunn, "forklaring": forklaring, "malgruppe": None}
    kategori = next(
        ((t.kodeverk, t.kode.replace(".", "")[:3].upper()) for t in oppslag.treff), None
    )
    naermeste = naermeste_malgruppe(*kategori, antall) if kategori else None
    if naermeste is not None:
        soket = {k: v for k, v in params.items() if v and k not in UTEN_DIAGNOSE}
        soket["malgruppe"] = naermeste.slug
        svar["malgruppe"] = {
            "slug": naermeste.slug,
            "navn": naermeste.navn,
            "antall": antall[naermeste.pk],
            "tekst": _("Søk etter tilbud for %(malgruppe)s (%(antall)s tilbud)")
            % {"malgruppe": naermeste.navn.lower(), "antall": antall[naermeste.pk]},
            "parametere": soket,
        }
    return svar
