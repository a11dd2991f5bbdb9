"""Web addresses as the API's contract promises them: `format: uri` in the OpenAPI schema, i.e.
RFC 3986. Django's URLValidator alone let through what RFC 3986 forbids (a `"`, a space, «æøå»
unencoded), so `/api/v1/synk/tilbud/` could serve `https://ok.example/"onmouseover=…`, which
breaks the schema a mirror validates against and is one quote away from markup.

The RFC 3986 check is jsonschema-rs' own `format: uri` (the validator schemathesis and other
JSON Schema tools check our answers with), so what we store is exactly what the schema allows.
On top of it Django's URLValidator keeps what a web address needs: http(s) and a host."""

import jsonschema_rs
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


def er_rfc3986_uri(verdi: str) -> bool:
    return _URI.is_valid(verdi)


@deconstructible
class StrengUrlValidator(URLValidator):
    """http(s) with a host (Django) and RFC 3986 syntax (jsonschema-rs)."""

    message = _(
        "Skriv en gyldig nettadresse som begynner med https:// eller http://. Mellomrom, "
        "anførselstegn, <, > og bokstaver som æ, ø og å må være prosentkodet "
        "(f.eks. %%20 for mellomrom)."
    )

    def __init__(self, **kwargs):
        super().__init__(schemes=["http", "https"], **kwargs)

    def __call__(self, value):
        super().__call__(value)
        if not er_rfc3986_uri(str(value)):
            raise ValidationError(self.message, code=self.code, params={"value": value})


streng_url = StrengUrlValidator()


class NettadresseField(models.URLField):
    """A URLField whose only validator is the strict one (Django's own would add a second,
    vaguer message for the same address)."""

    default_validators = [streng_url]
