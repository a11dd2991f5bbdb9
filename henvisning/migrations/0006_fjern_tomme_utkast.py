"""Remove the empty drafts the form used to store («Pasient ()»: a press on «Send» with nothing
filled in saved a draft before it refused to send), then forbid them with a check constraint.

Empty is the rule of henvisning.services.utkast_har_innhold: no fødselsnummer, name, diagnosis
code or free text. Empty encrypted fields are stored as "", so this needs no key. Drafts whose
personal data the deletion job has removed are kept (they are the anonymous record). The access
log rows of a removed draft go with it: they record openings of a row that held nothing about
anyone."""

from django.db import migrations, models
from django.db.models import Q

TOM = Q(
    status="utkast",
    personopplysninger_slettet__isnull=True,
    fodselsnummer_kryptert="",
    navn_kryptert="",
    diagnosekoder="",
    sporsmal="",
    arbeidssituasjon="",
    arbeidsgiverkontakt="",
    nav_kontakt="",
)


def fjern_tomme_utkast(apps, schema_editor) -> None:
    Henvisning = apps.get_model("henvisning", "Henvisning")
    Tilgangslogg = apps.get_model("henvisning", "Tilgangslogg")
    tomme = Henvisning.objects.filter(TOM).filter(videresendt_som__isnull=True)
    Tilgangslogg.objects.filter(henvisning__in=tomme).delete()
    # Status log and forespørsler cascade.
    tomme.delete()
    if schema_editor.connection.vendor == "postgresql":
        # The deletes leave deferred foreign-key checks pending, and PostgreSQL refuses the
        # ALTER TABLE below in the same transaction until they have run.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("henvisning", "0005_nokkelsjekk_hmac"),
    ]

    operations = [
        migrations.RunPython(fjern_tomme_utkast, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="henvisning",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "utkast"), _negated=True),
                    ("personopplysninger_slettet__isnull", False),
                    models.Q(("fodselsnummer_kryptert", ""), _negated=True),
                    models.Q(("navn_kryptert", ""), _negated=True),
                    models.Q(("diagnosekoder", ""), _negated=True),
                    models.Q(("sporsmal", ""), _negated=True),
                    models.Q(("arbeidssituasjon", ""), _negated=True),
                    models.Q(("arbeidsgiverkontakt", ""), _negated=True),
                    models.Q(("nav_kontakt", ""), _negated=True),
                    _connector="OR",
                ),
                name="henvisning_utkast_har_innhold",
                violation_error_message=(
                    "Et utkast må ha pasientens fødselsnummer eller navn, en diagnosekode eller "
                    "en tekst før det kan lagres."
                ),
            ),
        ),
    ]
