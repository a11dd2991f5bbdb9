"""DRF's authtoken tokens were stored in clear text and never ended. The app is gone from
INSTALLED_APPS; this drops its table, and with it every old token: their users make a new one
(POST /api/v1/token/ while logged in). Its migration records go too, so that the database does
not claim a table that is not there. Nothing to undo: the old tokens must not come back."""

from django.db import migrations

DROPP = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


def fjern_innholdstype(apps, schema_editor) -> None:
    # Its permissions go with the content type (cascade), so no role or group keeps them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="authtoken"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tokens", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(DROPP, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(fjern_innholdstype, migrations.RunPython.noop),
    ]
