"""Today's free-text waiting times as rows (tilbud.models.ventetid), read by the same function
the catalogue import uses (tilbud.services.ventetid.synk_tekstventetider): weeks and type only
where the text states them plainly (tilbud.ventetidtolk), the rest kept as text, «ikke
strukturert». Re-running it changes nothing; reversing it removes the rows (the text stays on
the tilbud)."""

from django.db import migrations

RAPPORTKILDE = "Evalueringsrapport"


def fra_tekst(apps, schema_editor):  # noqa: ANN001, ANN201
    from tilbud.services.ventetid import Tekstventetid, synk_tekstventetider

    Tilbud = apps.get_model("tilbud", "Tilbud")
    Ventetid = apps.get_model("tilbud", "Ventetid")
    kilder = [
        Tekstventetid(
            tilbud_id=t.pk,
            tekst=t.ventetid_tekst,
            # The date the text was given; failing that, the date the tilbud was last confirmed
            # (the text was part of what was confirmed).
            dato=t.ventetid_dato or t.sist_bekreftet,
            kilde="rapport" if t.ventetid_kilde.startswith(RAPPORTKILDE) else "koordinator",
        )
        for t in Tilbud.objects.exclude(ventetid_tekst="").order_by("pk")
    ]
    for kilde in ("rapport", "koordinator"):
        synk_tekstventetider(modell=Ventetid, kilder=[k for k in kilder if k.kilde == kilde])


def fjern(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("tilbud", "Ventetid").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tilbud", "0020_ventetider_og_kapasitet")]

    operations = [migrations.RunPython(fra_tekst, fjern)]
