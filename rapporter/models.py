"""Regional summaries: rebuilt by Celery in their own issue on top of the catalogue."""
