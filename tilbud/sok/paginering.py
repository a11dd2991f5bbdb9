"""The search answer's page: capped count, plus `tomt_svar` when nothing matched (its OpenAPI
schema; the API view names this class, the search uses it)."""

from typing import Any

from helsearbeid.api.pagination import CappedPagination


class TilbudPagination(CappedPagination):
    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        svar = super().get_paginated_response_schema(schema)
        svar["properties"]["rangert_etter"] = {
            "type": "string",
            "enum": ["bydel", "kommune", None],
            "nullable": True,
            "description": "Hva rekkefølgen er etter: pasientens bydel (Oslo, parameteret "
            "`bydel`: bydelens eget sykehus først), pasientens kommune (kommune eller "
            "postnummer), eller null når ikke noe sted er gitt. Innen hvert nivå står like "
            "gode treff etter avstand; et tilbud med sted i pasientens kommune har avstand 0, "
            "og et tilbud uten sted står som om det lå 100 km unna (`avstand_km` er null).",
        }
        svar["properties"]["rangering_merknad"] = {
            "type": "string",
            "nullable": True,
            "description": "En merknad om rekkefølgen når den ikke er det brukeren kan vente "
            "seg: Oslo uten bydel er ikke rangert etter bydel.",
        }
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
