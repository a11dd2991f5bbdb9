# Version columns for organisations and sites (version-checked updates, as for tilbud), and a
# start date for tilbud so that an end date before it can be refused.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tilbud', '0006_stedspunkt'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='lokasjon',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lokasjon',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='organisasjon',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='organisasjon',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='tilbud',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='tilbud',
            name='update_update',
        ),
        migrations.AddField(
            model_name='lokasjon',
            name='versjon',
            field=models.PositiveIntegerField(default=1, verbose_name='versjon'),
        ),
        migrations.AddField(
            model_name='lokasjonevent',
            name='versjon',
            field=models.PositiveIntegerField(default=1, verbose_name='versjon'),
        ),
        migrations.AddField(
            model_name='organisasjon',
            name='versjon',
            field=models.PositiveIntegerField(default=1, verbose_name='versjon'),
        ),
        migrations.AddField(
            model_name='organisasjonevent',
            name='versjon',
            field=models.PositiveIntegerField(default=1, verbose_name='versjon'),
        ),
        migrations.AddField(
            model_name='tilbud',
            name='startdato',
            field=models.DateField(blank=True, help_text='Datoen tilbudet startet; tomt er ukjent.', null=True, verbose_name='oppstart'),
        ),
        migrations.AddField(
            model_name='tilbudevent',
            name='startdato',
            field=models.DateField(blank=True, help_text='Datoen tilbudet startet; tomt er ukjent.', null=True, verbose_name='oppstart'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lokasjon',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "tilbud_lokasjonevent" ("id", "kommune_id", "navn", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "versjon") VALUES (NEW."id", NEW."kommune_id", NEW."navn", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."versjon"); RETURN NULL;', hash='dfaa6d90f4b225d8f2550edf2374b82bdbd3696d', operation='INSERT', pgid='pgtrigger_insert_insert_6981e', table='tilbud_lokasjon', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lokasjon',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "tilbud_lokasjonevent" ("id", "kommune_id", "navn", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "versjon") VALUES (NEW."id", NEW."kommune_id", NEW."navn", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."versjon"); RETURN NULL;', hash='d1a30fba398da4324b08abacae0ad5f2f988fa42', operation='UPDATE', pgid='pgtrigger_update_update_b254e', table='tilbud_lokasjon', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organisasjon',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "tilbud_organisasjonevent" ("aliaser", "id", "kode", "navn", "nettside", "organisasjonsnummer", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "type", "versjon") VALUES (NEW."aliaser", NEW."id", NEW."kode", NEW."navn", NEW."nettside", NEW."organisasjonsnummer", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."rhf_id", NEW."type", NEW."versjon"); RETURN NULL;', hash='234923b414d3611a8b777e2c0cd2d9dd4a8bc92f', operation='INSERT', pgid='pgtrigger_insert_insert_79426', table='tilbud_organisasjon', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organisasjon',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "tilbud_organisasjonevent" ("aliaser", "id", "kode", "navn", "nettside", "organisasjonsnummer", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "type", "versjon") VALUES (NEW."aliaser", NEW."id", NEW."kode", NEW."navn", NEW."nettside", NEW."organisasjonsnummer", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."rhf_id", NEW."type", NEW."versjon"); RETURN NULL;', hash='cfee86c1521811904cf5b08b43fe23f00a13558a', operation='UPDATE', pgid='pgtrigger_update_update_72fbe', table='tilbud_organisasjon', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='tilbud',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "tilbud_tilbudevent" ("alder_fra", "alder_tekst", "alder_til", "arbeidsgiverkontakt", "avsluttet_dato", "avsluttet_grunn", "behandlingsform_tekst", "bekreftet_av", "beskrivelse_2019", "deltilbud", "diagnoser", "digitalt", "eksklusjonskriterier", "endret", "fagomrade", "helseiarbeid", "helseiarbeid_tekst", "henvisere", "henvisning_regional_regel", "henvisning_tekst", "henvisning_til", "henvisningstidspunkt", "id", "inklusjonskriterier", "innhold", "kapasitet", "kapasitet_bekreftet", "kategori", "kilde", "kilde_id", "kilde_linjer", "kontakt", "kontakt_bekreftet", "malgruppe_tekst", "merknader", "nav_samarbeid", "navn", "nettside", "opprettet", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "sist_bekreftet", "startdato", "status", "status_merknad", "tar_imot_henvisninger", "varighet", "ventetid_dato", "ventetid_kilde", "ventetid_tekst", "ventetid_type", "ventetid_uker", "versjon", "yrkesgrupper") VALUES (NEW."alder_fra", NEW."alder_tekst", NEW."alder_til", NEW."arbeidsgiverkontakt", NEW."avsluttet_dato", NEW."avsluttet_grunn", NEW."behandlingsform_tekst", NEW."bekreftet_av", NEW."beskrivelse_2019", NEW."deltilbud", NEW."diagnoser", NEW."digitalt", NEW."eksklusjonskriterier", NEW."endret", NEW."fagomrade", NEW."helseiarbeid", NEW."helseiarbeid_tekst", NEW."henvisere", NEW."henvisning_regional_regel", NEW."henvisning_tekst", NEW."henvisning_til", NEW."henvisningstidspunkt", NEW."id", NEW."inklusjonskriterier", NEW."innhold", NEW."kapasitet", NEW."kapasitet_bekreftet", NEW."kategori", NEW."kilde", NEW."kilde_id", NEW."kilde_linjer", NEW."kontakt", NEW."kontakt_bekreftet", NEW."malgruppe_tekst", NEW."merknader", NEW."nav_samarbeid", NEW."navn", NEW."nettside", NEW."opprettet", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."rhf_id", NEW."sist_bekreftet", NEW."startdato", NEW."status", NEW."status_merknad", NEW."tar_imot_henvisninger", NEW."varighet", NEW."ventetid_dato", NEW."ventetid_kilde", NEW."ventetid_tekst", NEW."ventetid_type", NEW."ventetid_uker", NEW."versjon", NEW."yrkesgrupper"); RETURN NULL;', hash='d5973244f5297af7c18c636de90ccc6cfd50759f', operation='INSERT', pgid='pgtrigger_insert_insert_e2b19', table='tilbud_tilbud', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='tilbud',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."alder_fra" IS DISTINCT FROM (NEW."alder_fra") OR OLD."alder_tekst" IS DISTINCT FROM (NEW."alder_tekst") OR OLD."alder_til" IS DISTINCT FROM (NEW."alder_til") OR OLD."arbeidsgiverkontakt" IS DISTINCT FROM (NEW."arbeidsgiverkontakt") OR OLD."avsluttet_dato" IS DISTINCT FROM (NEW."avsluttet_dato") OR OLD."avsluttet_grunn" IS DISTINCT FROM (NEW."avsluttet_grunn") OR OLD."behandlingsform_tekst" IS DISTINCT FROM (NEW."behandlingsform_tekst") OR OLD."bekreftet_av" IS DISTINCT FROM (NEW."bekreftet_av") OR OLD."beskrivelse_2019" IS DISTINCT FROM (NEW."beskrivelse_2019") OR OLD."deltilbud" IS DISTINCT FROM (NEW."deltilbud") OR OLD."diagnoser" IS DISTINCT FROM (NEW."diagnoser") OR OLD."digitalt" IS DISTINCT FROM (NEW."digitalt") OR OLD."eksklusjonskriterier" IS DISTINCT FROM (NEW."eksklusjonskriterier") OR OLD."endret" IS DISTINCT FROM (NEW."endret") OR OLD."fagomrade" IS DISTINCT FROM (NEW."fagomrade") OR OLD."helseiarbeid" IS DISTINCT FROM (NEW."helseiarbeid") OR OLD."helseiarbeid_tekst" IS DISTINCT FROM (NEW."helseiarbeid_tekst") OR OLD."henvisere" IS DISTINCT FROM (NEW."henvisere") OR OLD."henvisning_regional_regel" IS DISTINCT FROM (NEW."henvisning_regional_regel") OR OLD."henvisning_tekst" IS DISTINCT FROM (NEW."henvisning_tekst") OR OLD."henvisning_til" IS DISTINCT FROM (NEW."henvisning_til") OR OLD."henvisningstidspunkt" IS DISTINCT FROM (NEW."henvisningstidspunkt") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."inklusjonskriterier" IS DISTINCT FROM (NEW."inklusjonskriterier") OR OLD."innhold" IS DISTINCT FROM (NEW."innhold") OR OLD."kapasitet" IS DISTINCT FROM (NEW."kapasitet") OR OLD."kapasitet_bekreftet" IS DISTINCT FROM (NEW."kapasitet_bekreftet") OR OLD."kategori" IS DISTINCT FROM (NEW."kategori") OR OLD."kilde" IS DISTINCT FROM (NEW."kilde") OR OLD."kilde_id" IS DISTINCT FROM (NEW."kilde_id") OR OLD."kilde_linjer" IS DISTINCT FROM (NEW."kilde_linjer") OR OLD."kontakt" IS DISTINCT FROM (NEW."kontakt") OR OLD."kontakt_bekreftet" IS DISTINCT FROM (NEW."kontakt_bekreftet") OR OLD."malgruppe_tekst" IS DISTINCT FROM (NEW."malgruppe_tekst") OR OLD."merknader" IS DISTINCT FROM (NEW."merknader") OR OLD."nav_samarbeid" IS DISTINCT FROM (NEW."nav_samarbeid") OR OLD."navn" IS DISTINCT FROM (NEW."navn") OR OLD."nettside" IS DISTINCT FROM (NEW."nettside") OR OLD."opprettet" IS DISTINCT FROM (NEW."opprettet") OR OLD."organisasjon_id" IS DISTINCT FROM (NEW."organisasjon_id") OR OLD."rhf_id" IS DISTINCT FROM (NEW."rhf_id") OR OLD."sist_bekreftet" IS DISTINCT FROM (NEW."sist_bekreftet") OR OLD."startdato" IS DISTINCT FROM (NEW."startdato") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."status_merknad" IS DISTINCT FROM (NEW."status_merknad") OR OLD."tar_imot_henvisninger" IS DISTINCT FROM (NEW."tar_imot_henvisninger") OR OLD."varighet" IS DISTINCT FROM (NEW."varighet") OR OLD."ventetid_dato" IS DISTINCT FROM (NEW."ventetid_dato") OR OLD."ventetid_kilde" IS DISTINCT FROM (NEW."ventetid_kilde") OR OLD."ventetid_tekst" IS DISTINCT FROM (NEW."ventetid_tekst") OR OLD."ventetid_type" IS DISTINCT FROM (NEW."ventetid_type") OR OLD."ventetid_uker" IS DISTINCT FROM (NEW."ventetid_uker") OR OLD."versjon" IS DISTINCT FROM (NEW."versjon") OR OLD."yrkesgrupper" IS DISTINCT FROM (NEW."yrkesgrupper"))', func='INSERT INTO "tilbud_tilbudevent" ("alder_fra", "alder_tekst", "alder_til", "arbeidsgiverkontakt", "avsluttet_dato", "avsluttet_grunn", "behandlingsform_tekst", "bekreftet_av", "beskrivelse_2019", "deltilbud", "diagnoser", "digitalt", "eksklusjonskriterier", "endret", "fagomrade", "helseiarbeid", "helseiarbeid_tekst", "henvisere", "henvisning_regional_regel", "henvisning_tekst", "henvisning_til", "henvisningstidspunkt", "id", "inklusjonskriterier", "innhold", "kapasitet", "kapasitet_bekreftet", "kategori", "kilde", "kilde_id", "kilde_linjer", "kontakt", "kontakt_bekreftet", "malgruppe_tekst", "merknader", "nav_samarbeid", "navn", "nettside", "opprettet", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "sist_bekreftet", "startdato", "status", "status_merknad", "tar_imot_henvisninger", "varighet", "ventetid_dato", "ventetid_kilde", "ventetid_tekst", "ventetid_type", "ventetid_uker", "versjon", "yrkesgrupper") VALUES (NEW."alder_fra", NEW."alder_tekst", NEW."alder_til", NEW."arbeidsgiverkontakt", NEW."avsluttet_dato", NEW."avsluttet_grunn", NEW."behandlingsform_tekst", NEW."bekreftet_av", NEW."beskrivelse_2019", NEW."deltilbud", NEW."diagnoser", NEW."digitalt", NEW."eksklusjonskriterier", NEW."endret", NEW."fagomrade", NEW."helseiarbeid", NEW."helseiarbeid_tekst", NEW."henvisere", NEW."henvisning_regional_regel", NEW."henvisning_tekst", NEW."henvisning_til", NEW."henvisningstidspunkt", NEW."id", NEW."inklusjonskriterier", NEW."innhold", NEW."kapasitet", NEW."kapasitet_bekreftet", NEW."kategori", NEW."kilde", NEW."kilde_id", NEW."kilde_linjer", NEW."kontakt", NEW."kontakt_bekreftet", NEW."malgruppe_tekst", NEW."merknader", NEW."nav_samarbeid", NEW."navn", NEW."nettside", NEW."opprettet", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."rhf_id", NEW."sist_bekreftet", NEW."startdato", NEW."status", NEW."status_merknad", NEW."tar_imot_henvisninger", NEW."varighet", NEW."ventetid_dato", NEW."ventetid_kilde", NEW."ventetid_tekst", NEW."ventetid_type", NEW."ventetid_uker", NEW."versjon", NEW."yrkesgrupper"); RETURN NULL;', hash='cfc080f1ce0f281fc09ab6f95793ce5674adbf95', operation='UPDATE', pgid='pgtrigger_update_update_42d1d', table='tilbud_tilbud', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='tilbud',
            constraint=models.CheckConstraint(condition=models.Q(('startdato__isnull', True), ('avsluttet_dato__isnull', True), ('avsluttet_dato__gte', models.F('startdato')), _connector='OR'), name='tilbud_avsluttet_etter_oppstart', violation_error_message='Tilbudet kan ikke avsluttes før det startet.'),
        ),
    ]
