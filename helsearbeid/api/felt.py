"""Serializer fields as strict as the schema they document. DRF coerces: a BooleanField takes
0, 1.0 and "yes", a CharField takes 897018 and stores "897018". The schema says boolean and
string, so a client that sends another type has a bug the API should tell it about (found by
`make fuzz`: schemathesis' negative_data_rejection)."""

from rest_framework import serializers


class StrengBoolsk(serializers.BooleanField):
    """true or false (or null where allowed), nothing else."""

    default_error_messages = {"invalid": "Må være true eller false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrengTekst(serializers.CharField):
    """A JSON string, not a number or a boolean turned into one."""

    default_error_messages = {"invalid": "Må være tekst (en JSON-streng)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
