"""drf-spectacular: describe the API key scheme in the OpenAPI document."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiNokkelSkjema(OpenApiAuthenticationExtension):
    target_class = "rapporter.api.autentisering.ApiNokkelAutentisering"
    name = "ApiNokkel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«Api-Key <nøkkel>». Nøkler lages av en administrator.",
        }
