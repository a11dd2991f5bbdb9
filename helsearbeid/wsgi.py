"""WSGI entry point for gunicorn: `gunicorn helsearbeid.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.production")

application = get_wsgi_application()
