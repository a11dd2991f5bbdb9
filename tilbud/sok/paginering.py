"""The search answer's page: capped count, plus `tomt_svar` when nothing matched (its OpenAPI
schema; the API view names this class, the search uses it)."""

from typing import Any

from helsearbeid.api.pagination import CappedPagination


class TilbudPagination(CappedPagination):
    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        svar = super().get_paginated_response_schema(schema)
        svar["properties"]["tomt_svar"] = {
            "type": "object",
            "nullable": True,
            "description": "Bare når ingen tilbud passer: hva som fjernet alt, og nærmeste søk "
            "som gir treff.",
            "properties": {
                "melding": {"type": "string"},
                "forslag": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "tekst": {"type": "string"},
                            "antall": {"type": "integer"},
                            "parametere": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                            },
                        },
                    },
                },
            },
        }
        return svar
