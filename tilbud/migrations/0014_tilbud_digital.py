"""TEMPORARY (H4, branch sokpakke): `Tilbud.digital` and the search table's `digital` column, so
the search filter `digital` can be proven before the keeper of the search data (H3, branch
sokevokter) lands with the same contract: `Tilbud.digital = BooleanField(default=False)` and
`digital boolean NOT NULL DEFAULT false` in tilbud_sokerad, filled by the trigger function. Drop
this migration in favour of H3's at merge.

The trigger function is re-declared as migration 0010 left it, with `digital` added."""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


_0010 = importlib.import_module("tilbud.migrations.0010_sokerad_kommuner_utenfor")
_EGNE = [*_0010._EGNE, "digital"]
_ALLE = [*_EGNE, "malgrupper", "behandlingsformer", "kommuner", "kommuner_utenfor"]


def _oppdater() -> str:
    def rad(prefiks: str) -> str:
        return ", ".join(f"{prefiks}.{k}" for k in _ALLE)

    return f"""
    CREATE OR REPLACE FUNCTION tilbud_sokerad_oppdater(ider bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM tilbud_sokerad s
         WHERE s.tilbud_id = ANY(ider)
           AND NOT EXISTS (SELECT 1 FROM tilbud_tilbud t WHERE t.id = s.tilbud_id);
        INSERT INTO tilbud_sokerad AS s (tilbud_id, {", ".join(_ALLE)})
        SELECT t.id, {", ".join(f"t.{k}" for k in _EGNE)},
               ARRAY(SELECT m.malgruppe_id FROM tilbud_tilbud_malgrupper m
                      WHERE m.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT b.behandlingsform_id FROM tilbud_tilbud_behandlingsformer b
                      WHERE b.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT DISTINCT l.kommune_id FROM tilbud_tilbud_lokasjoner tl
                       JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                      WHERE tl.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT DISTINCT l.kommune_id FROM tilbud_tilbud_lokasjoner tl
                       JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                       JOIN tilbud_kommune k ON k.nummer = l.kommune_id
                      WHERE tl.tilbud_id = t.id AND k.rhf_id <> t.rhf_id ORDER BY 1)
          FROM tilbud_tilbud t
         WHERE t.id = ANY(ider)
        ON CONFLICT (tilbud_id) DO UPDATE
           SET ({", ".join(_ALLE)}) = ROW({rad("EXCLUDED")})
         WHERE ({rad("s")}) IS DISTINCT FROM ({rad("EXCLUDED")});
    $$
    """


_0007 = importlib.import_module("tilbud.migrations.0007_sokerad")


def _endret(egne: list[str]) -> str:
    """The UPDATE trigger's function: only rows whose own search columns changed."""
    return f"""
    CREATE OR REPLACE FUNCTION tilbud_sokerad_tilbud_endret() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(
            SELECT n.id FROM ny n JOIN gammel g ON g.id = n.id
             WHERE ({_0007._rad("n", egne)}) IS DISTINCT FROM ({_0007._rad("g", egne)})
        ));
        PERFORM tilbud_ordliste_legg_til(ARRAY(
            SELECT n.sokevektor FROM ny n JOIN gammel g ON g.id = n.id
             WHERE n.sokevektor IS DISTINCT FROM g.sokevektor
        ));
        RETURN NULL;
    END $$
    """


OPPRETT = [
    "ALTER TABLE tilbud_sokerad ADD COLUMN digital boolean NOT NULL DEFAULT false",
    _oppdater(),
    _endret(_EGNE),
    "SELECT tilbud_sokerad_oppdater(ARRAY(SELECT id FROM tilbud_tilbud WHERE digital))",
]
FJERN = [
    _0010._oppdater(_0010._ETTER, med_utenfor=True),
    _endret(_0007._EGNE),
    "ALTER TABLE tilbud_sokerad DROP COLUMN IF EXISTS digital",
]


def _kjor(setninger):
    def kjor(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in setninger:
                schema_editor.execute(sql)

    return kjor


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0012_feilmelding_epost_bekreftet"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="tilbud",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="tilbud",
            name="update_update",
        ),
        migrations.AddField(
            model_name="tilbud",
            name="digital",
            field=models.BooleanField(default=False, verbose_name="kan gis digitalt (video/nett)"),
        ),
        migrations.AddField(
            model_name="tilbudevent",
            name="digital",
            field=models.BooleanField(default=False, verbose_name="kan gis digitalt (video/nett)"),
        ),
        migrations.RunPython(_kjor(OPPRETT), _kjor(FJERN)),
        # Only the model state: the column is made above, on PostgreSQL only.
        migrations.AddField(
            model_name="sokerad",
            name="digital",
            field=models.BooleanField(default=False),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="tilbud",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "tilbud_tilbudevent" ("alder_fra", "alder_tekst", "alder_til", "arbeidsgiverkontakt", "avsluttet_dato", "avsluttet_grunn", "behandlingsform_tekst", "bekreftet_av", "beskrivelse_2019", "deltilbud", "diagnoser", "digital", "digitalt", "eksklusjonskriterier", "endret", "fagomrade", "helseiarbeid", "helseiarbeid_tekst", "henvisere", "henvisning_regional_regel", "henvisning_tekst", "henvisning_til", "henvisningstidspunkt", "id", "inklusjonskriterier", "innhold", "kapasitet", "kapasitet_bekreftet", "kategori", "kilde", "kilde_id", "kilde_linjer", "kontakt", "kontakt_bekreftet", "malgruppe_tekst", "merknader", "nav_samarbeid", "navn", "nettside", "opprettet", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "sist_bekreftet", "startdato", "status", "status_merknad", "tar_imot_henvisninger", "varighet", "ventetid_dato", "ventetid_kilde", "ventetid_tekst", "ventetid_type", "ventetid_uker", "versjon", "yrkesgrupper") VALUES (NEW."alder_fra", NEW."alder_tekst", NEW."alder_til", NEW."arbeidsgiverkontakt", NEW."avsluttet_dato", NEW."avsluttet_grunn", NEW."behandlingsform_tekst", NEW."bekreftet_av", NEW."beskrivelse_2019", NEW."deltilbud", NEW."diagnoser", NEW."digital", NEW."digitalt", NEW."eksklusjonskriterier", NEW."endret", NEW."fagomrade", NEW."helseiarbeid", NEW."helseiarbeid_tekst", NEW."henvisere", NEW."henvisning_regional_regel", NEW."henvisning_tekst", NEW."henvisning_til", NEW."henvisningstidspunkt", NEW."id", NEW."inklusjonskriterier", NEW."innhold", NEW."kapasitet", NEW."kapasitet_bekreftet", NEW."kategori", NEW."kilde", NEW."kilde_id", NEW."kilde_linjer", NEW."kontakt", NEW."kontakt_bekreftet", NEW."malgruppe_tekst", NEW."merknader", NEW."nav_samarbeid", NEW."navn", NEW."nettside", NEW."opprettet", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."rhf_id", NEW."sist_bekreftet", NEW."startdato", NEW."status", NEW."status_merknad", NEW."tar_imot_henvisninger", NEW."varighet", NEW."ventetid_dato", NEW."ventetid_kilde", NEW."ventetid_tekst", NEW."ventetid_type", NEW."ventetid_uker", NEW."versjon", NEW."yrkesgrupper"); RETURN NULL;',
                    hash="b89251e565dfcf73231fb2704852ce6d3a0d83ac",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_e2b19",
                    table="tilbud_tilbud",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="tilbud",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."alder_fra" IS DISTINCT FROM (NEW."alder_fra") OR OLD."alder_tekst" IS DISTINCT FROM (NEW."alder_tekst") OR OLD."alder_til" IS DISTINCT FROM (NEW."alder_til") OR OLD."arbeidsgiverkontakt" IS DISTINCT FROM (NEW."arbeidsgiverkontakt") OR OLD."avsluttet_dato" IS DISTINCT FROM (NEW."avsluttet_dato") OR OLD."avsluttet_grunn" IS DISTINCT FROM (NEW."avsluttet_grunn") OR OLD."behandlingsform_tekst" IS DISTINCT FROM (NEW."behandlingsform_tekst") OR OLD."bekreftet_av" IS DISTINCT FROM (NEW."bekreftet_av") OR OLD."beskrivelse_2019" IS DISTINCT FROM (NEW."beskrivelse_2019") OR OLD."deltilbud" IS DISTINCT FROM (NEW."deltilbud") OR OLD."diagnoser" IS DISTINCT FROM (NEW."diagnoser") OR OLD."digital" IS DISTINCT FROM (NEW."digital") OR OLD."digitalt" IS DISTINCT FROM (NEW."digitalt") OR OLD."eksklusjonskriterier" IS DISTINCT FROM (NEW."eksklusjonskriterier") OR OLD."endret" IS DISTINCT FROM (NEW."endret") OR OLD."fagomrade" IS DISTINCT FROM (NEW."fagomrade") OR OLD."helseiarbeid" IS DISTINCT FROM (NEW."helseiarbeid") OR OLD."helseiarbeid_tekst" IS DISTINCT FROM (NEW."helseiarbeid_tekst") OR OLD."henvisere" IS DISTINCT FROM (NEW."henvisere") OR OLD."henvisning_regional_regel" IS DISTINCT FROM (NEW."henvisning_regional_regel") OR OLD."henvisning_tekst" IS DISTINCT FROM (NEW."henvisning_tekst") OR OLD."henvisning_til" IS DISTINCT FROM (NEW."henvisning_til") OR OLD."henvisningstidspunkt" IS DISTINCT FROM (NEW."henvisningstidspunkt") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."inklusjonskriterier" IS DISTINCT FROM (NEW."inklusjonskriterier") OR OLD."innhold" IS DISTINCT FROM (NEW."innhold") OR OLD."kapasitet" IS DISTINCT FROM (NEW."kapasitet") OR OLD."kapasitet_bekreftet" IS DISTINCT FROM (NEW."kapasitet_bekreftet") OR OLD."kategori" IS DISTINCT FROM (NEW."kategori") OR OLD."kilde" IS DISTINCT FROM (NEW."kilde") OR OLD."kilde_id" IS DISTINCT FROM (NEW."kilde_id") OR OLD."kilde_linjer" IS DISTINCT FROM (NEW."kilde_linjer") OR OLD."kontakt" IS DISTINCT FROM (NEW."kontakt") OR OLD."kontakt_bekreftet" IS DISTINCT FROM (NEW."kontakt_bekreftet") OR OLD."malgruppe_tekst" IS DISTINCT FROM (NEW."malgruppe_tekst") OR OLD."merknader" IS DISTINCT FROM (NEW."merknader") OR OLD."nav_samarbeid" IS DISTINCT FROM (NEW."nav_samarbeid") OR OLD."navn" IS DISTINCT FROM (NEW."navn") OR OLD."nettside" IS DISTINCT FROM (NEW."nettside") OR OLD."opprettet" IS DISTINCT FROM (NEW."opprettet") OR OLD."organisasjon_id" IS DISTINCT FROM (NEW."organisasjon_id") OR OLD."rhf_id" IS DISTINCT FROM (NEW."rhf_id") OR OLD."sist_bekreftet" IS DISTINCT FROM (NEW."sist_bekreftet") OR OLD."startdato" IS DISTINCT FROM (NEW."startdato") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."status_merknad" IS DISTINCT FROM (NEW."status_merknad") OR OLD."tar_imot_henvisninger" IS DISTINCT FROM (NEW."tar_imot_henvisninger") OR OLD."varighet" IS DISTINCT FROM (NEW."varighet") OR OLD."ventetid_dato" IS DISTINCT FROM (NEW."ventetid_dato") OR OLD."ventetid_kilde" IS DISTINCT FROM (NEW."ventetid_kilde") OR OLD."ventetid_tekst" IS DISTINCT FROM (NEW."ventetid_tekst") OR OLD."ventetid_type" IS DISTINCT FROM (NEW."ventetid_type") OR OLD."ventetid_uker" IS DISTINCT FROM (NEW."ventetid_uker") OR OLD."versjon" IS DISTINCT FROM (NEW."versjon") OR OLD."yrkesgrupper" IS DISTINCT FROM (NEW."yrkesgrupper"))',
                    func='INSERT INTO "tilbud_tilbudevent" ("alder_fra", "alder_tekst", "alder_til", "arbeidsgiverkontakt", "avsluttet_dato", "avsluttet_grunn", "behandlingsform_tekst", "bekreftet_av", "beskrivelse_2019", "deltilbud", "diagnoser", "digital", "digitalt", "eksklusjonskriterier", "endret", "fagomrade", "helseiarbeid", "helseiarbeid_tekst", "henvisere", "henvisning_regional_regel", "henvisning_tekst", "henvisning_til", "henvisningstidspunkt", "id", "inklusjonskriterier", "innhold", "kapasitet", "kapasitet_bekreftet", "kategori", "kilde", "kilde_id", "kilde_linjer", "kontakt", "kontakt_bekreftet", "malgruppe_tekst", "merknader", "nav_samarbeid", "navn", "nettside", "opprettet", "organisasjon_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rhf_id", "sist_bekreftet", "startdato", "status", "status_merknad", "tar_imot_henvisninger", "varighet", "ventetid_dato", "ventetid_kilde", "ventetid_tekst", "ventetid_type", "ventetid_uker", "versjon", "yrkesgrupper") VALUES (NEW."alder_fra", NEW."alder_tekst", NEW."alder_til", NEW."arbeidsgiverkontakt", NEW."avsluttet_dato", NEW."avsluttet_grunn", NEW."behandlingsform_tekst", NEW."bekreftet_av", NEW."beskrivelse_2019", NEW."deltilbud", NEW."diagnoser", NEW."digital", NEW."digitalt", NEW."eksklusjonskriterier", NEW."endret", NEW."fagomrade", NEW."helseiarbeid", NEW."helseiarbeid_tekst", NEW."henvisere", NEW."henvisning_regional_regel", NEW."henvisning_tekst", NEW."henvisning_til", NEW."henvisningstidspunkt", NEW."id", NEW."inklusjonskriterier", NEW."innhold", NEW."kapasitet", NEW."kapasitet_bekreftet", NEW."kategori", NEW."kilde", NEW."kilde_id", NEW."kilde_linjer", NEW."kontakt", NEW."kontakt_bekreftet", NEW."malgruppe_tekst", NEW."merknader", NEW."nav_samarbeid", NEW."navn", NEW."nettside", NEW."opprettet", NEW."organisasjon_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."rhf_id", NEW."sist_bekreftet", NEW."startdato", NEW."status", NEW."status_merknad", NEW."tar_imot_henvisninger", NEW."varighet", NEW."ventetid_dato", NEW."ventetid_kilde", NEW."ventetid_tekst", NEW."ventetid_type", NEW."ventetid_uker", NEW."versjon", NEW."yrkesgrupper"); RETURN NULL;',
                    hash="cdfb105d3251e2e89533359e0209299dc5b88240",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_42d1d",
                    table="tilbud_tilbud",
                    when="AFTER",
                ),
            ),
        ),
    ]
