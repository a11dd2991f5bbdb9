"""Open-standards exports of the catalogue: pure functions from querysets to documents."""
