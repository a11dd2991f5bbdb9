"""Model fields for health free text encrypted at rest with HENVISNING_NOKKEL (henvisning.krypto).

The Python value is the plain text (or list, for KryptertJson); the column holds a Fernet token,
or "" for an empty value, so that emptying a field (personopplysninger_slett) needs no key.
These columns are never searched or filtered on: look-up by patient is on the keyed hash
(fodselsnummer_hash). A value that cannot be decrypted raises krypto.Dekrypteringsfeil when the
row is loaded, which the portal answers with 503 (helsearbeid.nokkelfeil)."""

import json
from typing import Any

from django.db import models

from . import krypto


class KryptertTekst(models.TextField):
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return krypto.dekrypter(value) if value else ""

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        return krypto.krypter(value) if value else ""


class KryptertJson(models.TextField):
    """A JSON value (the diagnosis codes: a list of {kodeverk, kode, tittel}) stored encrypted.
    An empty list is stored as ""."""

    # For mypy (django-stubs reads these): the attribute holds the list, not the stored text.
    _pyi_private_set_type: list[dict[str, str]]
    _pyi_private_get_type: list[dict[str, str]]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return json.loads(krypto.dekrypter(value)) if value else []

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and value else (value or [])

    def get_prep_value(self, value: Any) -> str:
        if not value:
            return ""
        return krypto.krypter(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
