from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "helsearbeid.tokens"
    label = "tokens"
    verbose_name = _("API-tokener")

    def ready(self) -> None:
        # Revocation when a role is removed or changed, and the token's OpenAPI security scheme.
        from . import schema, signals  # noqa: F401
