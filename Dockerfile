# syntax=docker/dockerfile:1
# Produksjonsimage for helsearbeid: samme image brukes av web (gunicorn), migrate, worker og beat.
FROM python:3.11-slim

# Koden kjøres fra /app (PYTHONPATH, ikke site-packages): settings.BASE_DIR peker da på /app,
# der fixtures/, templates/, static/ og staticfiles/ ligger.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=helsearbeid.settings.production

WORKDIR /app

# Avhengighetene først (eget lag som bare bygges på nytt når låsen endres): alle pakker, også de
# indirekte og byggeverktøyet, fra requirements.lock med hasher (make las lager den).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Selve prosjektet, installert fra pyproject.toml uten nye avhengigheter.
COPY . .
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf build ./*.egg-info \
    && mkdir -p static templates

# Statiske filer bygges inn i imaget (whitenoise serverer dem). Produksjonsinnstillingene krever
# SECRET_KEY og PostgreSQL, så bare dette steget bruker dev-innstillingene (samme STORAGES).
RUN DJANGO_SETTINGS_MODULE=helsearbeid.settings.dev python manage.py collectstatic --noinput

# Kjør som vanlig bruker; /app eies av root og er skrivebeskyttet for appen.
RUN groupadd --system --gid 10001 helsearbeid \
    && useradd --system --uid 10001 --gid helsearbeid --home-dir /home/helsearbeid \
       --create-home --shell /usr/sbin/nologin helsearbeid
USER helsearbeid

EXPOSE 8000

# Uten gunicorns tilgangslogg: appen skriver én JSON-linje per forespørsel med request_id og
# uten spørrestrengen (helsearbeid/logg.py).
CMD ["gunicorn", "helsearbeid.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--graceful-timeout", "30", "--worker-tmp-dir", "/dev/shm"]
