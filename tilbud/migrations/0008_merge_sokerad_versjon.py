# Joins two migrations written at the same time: the search table (0007_sokerad) and the
# version columns of organisations and sites (0007_versjon_organisasjon_lokasjon).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0007_sokerad"),
        ("tilbud", "0007_versjon_organisasjon_lokasjon"),
    ]

    operations = []
