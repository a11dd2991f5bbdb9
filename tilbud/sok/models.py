"""The models the search reads, under the package's own name: tilbud.sok.rangering was moved
here unchanged and imports them as `.models`."""

from tilbud.models import Kommune, Sokerad, Tilbud

__all__ = ["Kommune", "Sokerad", "Tilbud"]
