"""The in-memory reference tables (tilbud.referanse) under the package's own name:
tilbud.sok.rangering was moved here unchanged and imports them as `.referanse`."""

from tilbud.referanse import referanse

__all__ = ["referanse"]
