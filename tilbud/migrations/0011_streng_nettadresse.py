"""Web addresses (`nettside` on tilbud and organisations) are validated strictly, as RFC 3986
(`format: uri` in the OpenAPI schema), see helsearbeid/uri.py.

Data: every existing `nettside` that fails the new validation is EMPTIED (set to ""), since a
value the API serves must match its schema and there is no safe way to guess what was meant.
Each emptied row is logged as a WARNING on the logger `tilbud.migrering` with its id and the old
value, so that a coordinator can enter the right address again. A tilbud that is changed gets
a new `versjon` and `endret` (so that mirrors syncing on `endret` fetch it, and an editor
holding the old ETag is told it changed); an organisation gets a new `versjon`. Reversing
the migration does not bring the emptied values back (they are in the log and the history).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import migrations
from django.db.models import F
from django.utils import timezone

import helsearbeid.uri

logger = logging.getLogger("tilbud.migrering")


def _gyldig(verdi: str) -> bool:
    try:
        helsearbeid.uri.streng_url(verdi)
    except ValidationError:
        return False
    return True


def tom_ugyldige_nettsider(apps, schema_editor) -> None:
    for modell, ekstra in (
        ("Tilbud", lambda: {"endret": timezone.now()}),
        ("Organisasjon", dict),
    ):
        klasse = apps.get_model("tilbud", modell)
        ugyldige = [
            (pk, verdi)
            for pk, verdi in klasse.objects.exclude(nettside="").values_list("pk", "nettside")
            if not _gyldig(verdi)
        ]
        for pk, verdi in ugyldige:
            logger.warning(
                "%s %s: ugyldig nettside %r er tømt (RFC 3986); legg inn riktig adresse.",
                modell,
                pk,
                verdi,
            )
        if ugyldige:
            klasse.objects.filter(pk__in=[pk for pk, _ in ugyldige]).update(
                nettside="", versjon=F("versjon") + 1, **ekstra()
            )


class Migration(migrations.Migration):

    dependencies = [
        ('tilbud', '0010_sokerad_kommuner_utenfor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='organisasjon',
            name='nettside',
            field=helsearbeid.uri.NettadresseField(blank=True, verbose_name='nettside'),
        ),
        migrations.AlterField(
            model_name='organisasjonevent',
            name='nettside',
            field=helsearbeid.uri.NettadresseField(blank=True, verbose_name='nettside'),
        ),
        migrations.AlterField(
            model_name='tilbud',
            name='nettside',
            field=helsearbeid.uri.NettadresseField(blank=True, verbose_name='nettside'),
        ),
        migrations.AlterField(
            model_name='tilbudevent',
            name='nettside',
            field=helsearbeid.uri.NettadresseField(blank=True, verbose_name='nettside'),
        ),
        migrations.RunPython(tom_ugyldige_nettsider, migrations.RunPython.noop, elidable=True),
    ]
