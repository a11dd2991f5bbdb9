from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenSkjema(OpenApiAuthenticationExtension):
    target_class = "helsearbeid.tokens.autentisering.TokenAutentisering"
    name = "Token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "«Token <token>». Lages av brukeren selv med POST /api/v1/token/ (innlogget), "
                "gjelder API_TOKEN_TIMER (8) timer og trekkes tilbake når passordet endres "
                "eller en rolle fjernes."
            ),
        }
