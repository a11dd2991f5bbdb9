"""The search answer's page: capped count, plus `tomt_svar` when nothing matched (its OpenAPI
schema; the API view names this class, the search uses it)."""

from typing import Any

from helsearbeid.api.pagination import CappedPagination


class TilbudPagination(CappedPagination):
    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        svar = super().get_paginated_response_schema(schema)
        svar["properties"]["skrivefeil"] = {
            "type": "object",
            "nullable": True,
            "description": "Bare når et ord i fritekstsøket (`q`) ikke finnes i katalogen og ble "
            "søkt som katalogens nærmeste ord: det som ble skrevet, det som ble søkt, og hvert "
            "rettet ord med ordene som ble søkt i stedet.",
            "properties": {
                "sokt": {"type": "string"},
                "viser": {"type": "string"},
                "rettet": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
        svar["properties"]["tomt_svar"] = {
            "type": "object",
            "nullable": True,
            "description": "Bare når ingen tilbud passer: hva som fjernet alt, og nærmeste søk "
            "som gir treff.",
            "properties": {
                "melding": {"type": "string"},
                "diagnose": {
                    "type": "object",
                    "nullable": True,
                    "description": "Når diagnosen er grunnen: hvorfor ingen tilbud passer "
                    "(`utenfor_malgruppene`: koden hører ikke til registerets målgrupper; "
                    "`ingen_i_omradet`: ingen tilbud søket når, tar imot kodens målgrupper) og "
                    "nærmeste målgruppesøk som gir treff (samme søk med målgruppen i stedet "
                    "for diagnosen).",
                    "properties": {
                        "grunn": {
                            "type": "string",
                            "enum": ["utenfor_malgruppene", "ingen_i_omradet"],
                        },
                        "forklaring": {"type": "string"},
                        "malgruppe": {
                            "type": "object",
                            "nullable": True,
                            "properties": {
                                "slug": {"type": "string"},
                                "navn": {"type": "string"},
                                "antall": {"type": "integer"},
                                "tekst": {"type": "string"},
                                "parametere": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        },
                    },
                },
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
