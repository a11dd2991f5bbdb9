"""DRF's browsable API under the Content-Security-Policy.

DRF's templates carry a handful of fixed style="…" attributes and one <style> block (the
syntax-highlighting rules from pygments). Rather than 'unsafe-inline', the browsable pages allow
exactly those by hash ('unsafe-hashes' covers attributes only, never <script>); scripts stay
'self' only, and every other page keeps the plain policy.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import rest_framework
from csp.constants import SELF, UNSAFE_HASHES
from django.utils.html import escape
from rest_framework.compat import pygments_css
from rest_framework.renderers import BrowsableAPIRenderer

STIL = re.compile(r'style="([^"{}]*)"')


def _hash(tekst: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(tekst.encode()).digest()).decode()}'"


@cache
def drf_stil_hasher() -> tuple[str, ...]:
    """A hash for every fixed style attribute value in DRF's installed templates."""
    maler = Path(rest_framework.__file__).parent / "templates" / "rest_framework"
    verdier = {
        verdi
        for fil in maler.rglob("*.html")
        for verdi in STIL.findall(fil.read_text(encoding="utf-8"))
    }
    return tuple(_hash(v) for v in sorted(verdier))


@cache
def kodestil_hash(stil: str) -> str | None:
    """The hash of the <style> block DRF renders (escaped, as the template prints it)."""
    css = pygments_css(stil)
    return _hash(str(escape(css))) if css else None


class NettleserApiRenderer(BrowsableAPIRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> Any:
        svar = (renderer_context or {}).get("response")
        if svar is not None:
            kodestil = kodestil_hash(self.code_style)
            svar._csp_update = {
                "style-src-attr": [UNSAFE_HASHES, *drf_stil_hasher()],
                "style-src-elem": [SELF, *([kodestil] if kodestil else [])],
            }
        return super().render(data, accepted_media_type, renderer_context)
