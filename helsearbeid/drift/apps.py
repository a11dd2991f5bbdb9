from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DriftConfig(AppConfig):
    # Plumbing of the project (the Celery outbox, broker robustness), not a domain app; the
    # label stays "drift" so its table is drift_utboks.
    name = "helsearbeid.drift"
    label = "drift"
    verbose_name = _("Drift")

    def ready(self) -> None:
        # A worker that starts sends what waited in the outbox at once, not at the next beat.
        from . import signaler  # noqa: F401
