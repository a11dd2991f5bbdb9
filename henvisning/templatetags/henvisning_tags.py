from typing import Any

from django import template

from henvisning import tilgang

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
