"""The coordinator's user name is never public: «bekreftet av» and «Registrert i portalen av …»
are shown on the tilbud page and in the anonymous API, sync and exports. Before this, the portal
stored the user's name there; rewrite those to the role and the region («RHF-koordinator, Helse
Nord»), as the services now store them. Who actually did it stays in the history, which only the
region's coordinators read. Values from the import (the 2021 evaluation report) are kept."""

from django.db import migrations

KILDE_PORTAL = "Registrert i portalen av "
# Not a person: the import's source and the role labels the services now write.
IKKE_PERSON = ("Evalueringsrapport", "RHF-koordinator, ", "Administrator, ")


def _rolle(rhf_navn: str) -> str:
    return "RHF-koordinator, " + rhf_navn.removesuffix(" RHF").strip()


def fjern_brukernavn(apps, schema_editor) -> None:
    Tilbud = apps.get_model("tilbud", "Tilbud")
    for tilbud in Tilbud.objects.select_related("rhf").only(
        "pk", "bekreftet_av", "kilde", "rhf__navn"
    ):
        endre = {}
        if tilbud.bekreftet_av and not tilbud.bekreftet_av.startswith(IKKE_PERSON):
            endre["bekreftet_av"] = _rolle(tilbud.rhf.navn)
        if tilbud.kilde.startswith(KILDE_PORTAL) and not tilbud.kilde.removeprefix(
            KILDE_PORTAL
        ).startswith(IKKE_PERSON):
            endre["kilde"] = KILDE_PORTAL + _rolle(tilbud.rhf.navn)
        if endre:
            Tilbud.objects.filter(pk=tilbud.pk).update(**endre)


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0012_feilmelding_epost_bekreftet"),
    ]

    operations = [
        migrations.RunPython(fjern_brukernavn, migrations.RunPython.noop),
    ]
