from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from henvisning import his1206, selectors, services, tilgang

register = template.Library()


@register.simple_tag(takes_context=True)
def kan_henvise(context: Any, tilbud: Any) -> bool:
    """For the tilbud page: may the logged-in user refer to this tilbud?"""
    request = context.get("request")
    if request is None or tilbud is None:
        return False
    return tilgang.kan_henvise(request.user, tilbud)


@register.simple_tag(takes_context=True)
def kan_endre_sjekkliste(context: Any, tilbud: Any) -> bool:
    """For the tilbud page: may the logged-in user edit the tilbud's checklist for referrals?"""
    request = context.get("request")
    if request is None or tilbud is None:
        return False
    return tilgang.kan_endre_sjekkliste(request.user, tilbud)


@register.simple_tag(takes_context=True)
def henvis_url(context: Any, tilbud: Any) -> str:
    """The referral form's address for this tilbud, carrying the diagnosis of the search the
    user came from (`?diagnose=` on the tilbud page), so the form opens with it filled in. The
    form checks the codes; here they are only passed on."""
    url = reverse("henvisning:ny", kwargs={"tilbud_id": tilbud.pk})
    request = context.get("request")
    diagnoser = (
        [d[:50] for d in request.GET.getlist("diagnose")[:10] if d.strip()] if request else []
    )
    return f"{url}?{urlencode({'diagnose': diagnoser}, doseq=True)}" if diagnoser else url


@register.filter
def henviser(henvisning: Any) -> Any:
    """Who referred (henvisning.selectors.henviser), for the inbox and the referral page."""
    return selectors.henviser(henvisning)


@register.filter
def i_ord(henvisning: Any, mottaker: bool = False) -> str:
    """Where the referral stands and by which date something must happen (henvisning.his1206),
    for the GP or, with `mottaker`, for the receiving unit."""
    return his1206.i_ord(henvisning, idag=services.idag(), mottaker=bool(mottaker))
