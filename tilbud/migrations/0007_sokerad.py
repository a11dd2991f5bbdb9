"""The narrow search table `tilbud_sokerad` and the triggers that keep it exact (PostgreSQL only;
see tilbud/models/sokerad.py for why). On SQLite this migration changes nothing."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

# The tilbud's own columns the search reads; the link tables give malgrupper, behandlingsformer
# and kommuner (the kommune numbers of its sites).
_EGNE = [
    "rhf_id", "organisasjon_id", "status", "fagomrade", "alder_fra", "alder_til",
    "sted_lat", "sted_lon", "navn",
]  # fmt: skip
_ALLE = [*_EGNE, "malgrupper", "behandlingsformer", "kommuner"]


def _rad(prefiks, kolonner):
    """'s.rhf_id, s.organisasjon_id, …'"""
    return ", ".join(f"{prefiks}.{k}" for k in kolonner)


OPPRETT = [
    """
    CREATE TABLE tilbud_sokerad (
        tilbud_id bigint PRIMARY KEY,
        rhf_id bigint NOT NULL,
        organisasjon_id bigint NOT NULL,
        status varchar(20) NOT NULL,
        fagomrade varchar(30) NOT NULL,
        alder_fra smallint,
        alder_til smallint,
        malgrupper bigint[] NOT NULL,
        behandlingsformer varchar(20)[] NOT NULL,
        kommuner varchar(4)[] NOT NULL,
        sted_lat double precision,
        sted_lon double precision,
        navn varchar(300) NOT NULL
    )
    """,
    # Rebuild the rows of the given tilbud from tilbud_tilbud and its link tables; rows of tilbud
    # that no longer exist go. Unchanged rows are not rewritten (no dead tuples from no-op saves).
    f"""
    CREATE FUNCTION tilbud_sokerad_oppdater(ider bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM tilbud_sokerad s
         WHERE s.tilbud_id = ANY(ider)
           AND NOT EXISTS (SELECT 1 FROM tilbud_tilbud t WHERE t.id = s.tilbud_id);
        INSERT INTO tilbud_sokerad AS s (tilbud_id, {", ".join(_ALLE)})
        SELECT t.id, {_rad("t", _EGNE)},
               ARRAY(SELECT m.malgruppe_id FROM tilbud_tilbud_malgrupper m
                      WHERE m.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT b.behandlingsform_id FROM tilbud_tilbud_behandlingsformer b
                      WHERE b.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT DISTINCT l.kommune_id FROM tilbud_tilbud_lokasjoner tl
                       JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                      WHERE tl.tilbud_id = t.id ORDER BY 1)
          FROM tilbud_tilbud t
         WHERE t.id = ANY(ider)
        ON CONFLICT (tilbud_id) DO UPDATE
           SET ({", ".join(_ALLE)}) = ROW({_rad("EXCLUDED", _ALLE)})
         WHERE ({_rad("s", _ALLE)}) IS DISTINCT FROM ({_rad("EXCLUDED", _ALLE)});
    $$
    """,
    # The catalogue's vocabulary: every lexeme of every tilbud's full-text vector. Whether a
    # typed word is known at all is looked up here (a full-text probe for a word no tilbud has
    # makes PostgreSQL scan every row), and an unknown word is corrected against it by trigram
    # similarity instead of trigram-matching every tilbud. Lexemes are only added: one that no
    # tilbud uses any more is a harmless correction that finds nothing.
    """
    CREATE TABLE tilbud_sokeordliste (ord text PRIMARY KEY)
    """,
    "CREATE INDEX tilbud_sokeordliste_trgm ON tilbud_sokeordliste USING gin (ord gin_trgm_ops)",
    """
    CREATE FUNCTION tilbud_ordliste_legg_til(vektorer tsvector[]) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO tilbud_sokeordliste (ord)
        SELECT DISTINCT ord.lexeme
          FROM unnest(vektorer) AS vektor, unnest(vektor) AS ord
         WHERE char_length(ord.lexeme) >= 3 AND ord.lexeme !~ '^[0-9]+$'
        ON CONFLICT DO NOTHING;
    $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_tilbud_ny() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(SELECT id FROM ny));
        PERFORM tilbud_ordliste_legg_til(ARRAY(SELECT sokevektor FROM ny));
        RETURN NULL;
    END $$
    """,
    # Updates that leave every search column alone (the tsvector, texts, dates) cost nothing.
    f"""
    CREATE FUNCTION tilbud_sokerad_tilbud_endret() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(
            SELECT n.id FROM ny n JOIN gammel g ON g.id = n.id
             WHERE ({_rad("n", _EGNE)}) IS DISTINCT FROM ({_rad("g", _EGNE)})
        ));
        PERFORM tilbud_ordliste_legg_til(ARRAY(
            SELECT n.sokevektor FROM ny n JOIN gammel g ON g.id = n.id
             WHERE n.sokevektor IS DISTINCT FROM g.sokevektor
        ));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_tilbud_slettet() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM tilbud_sokerad WHERE tilbud_id IN (SELECT id FROM gammel);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_tom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE tilbud_sokerad;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_lenke_ny() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(SELECT DISTINCT tilbud_id FROM ny));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_lenke_slettet() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(SELECT DISTINCT tilbud_id FROM gammel));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_lenke_endret() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(
            SELECT tilbud_id FROM ny UNION SELECT tilbud_id FROM gammel));
        RETURN NULL;
    END $$
    """,
    # A site moved to another kommune changes the kommuner of every tilbud held there.
    """
    CREATE FUNCTION tilbud_sokerad_lokasjon_endret() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(
            SELECT DISTINCT tl.tilbud_id FROM ny n JOIN gammel g ON g.id = n.id
              JOIN tilbud_tilbud_lokasjoner tl ON tl.lokasjon_id = n.id
             WHERE n.kommune_id IS DISTINCT FROM g.kommune_id));
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tilbud_sokerad_lenke_tom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tilbud_sokerad_oppdater(ARRAY(SELECT id FROM tilbud_tilbud));
        RETURN NULL;
    END $$
    """,
    # Statement-level triggers with transition tables: a bulk UPDATE of 100 000 rows is one call.
    """CREATE TRIGGER sokerad_ny AFTER INSERT ON tilbud_tilbud REFERENCING NEW TABLE AS ny
       FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_tilbud_ny()""",
    """CREATE TRIGGER sokerad_endret AFTER UPDATE ON tilbud_tilbud
       REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
       FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_tilbud_endret()""",
    """CREATE TRIGGER sokerad_slettet AFTER DELETE ON tilbud_tilbud
       REFERENCING OLD TABLE AS gammel
       FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_tilbud_slettet()""",
    """CREATE TRIGGER sokerad_tom AFTER TRUNCATE ON tilbud_tilbud
       FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_tom()""",
    *(
        sql.format(tabell=tabell)
        for tabell in (
            "tilbud_tilbud_malgrupper",
            "tilbud_tilbud_behandlingsformer",
            "tilbud_tilbud_lokasjoner",
        )
        for sql in (
            """CREATE TRIGGER sokerad_ny AFTER INSERT ON {tabell} REFERENCING NEW TABLE AS ny
               FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_lenke_ny()""",
            """CREATE TRIGGER sokerad_slettet AFTER DELETE ON {tabell}
               REFERENCING OLD TABLE AS gammel
               FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_lenke_slettet()""",
            """CREATE TRIGGER sokerad_endret AFTER UPDATE ON {tabell}
               REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
               FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_lenke_endret()""",
            """CREATE TRIGGER sokerad_tom AFTER TRUNCATE ON {tabell}
               FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_lenke_tom()""",
        )
    ),
    """CREATE TRIGGER sokerad_endret AFTER UPDATE ON tilbud_lokasjon
       REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
       FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokerad_lokasjon_endret()""",
    "SELECT tilbud_sokerad_oppdater(ARRAY(SELECT id FROM tilbud_tilbud))",
    "SELECT tilbud_ordliste_legg_til(ARRAY(SELECT sokevektor FROM tilbud_tilbud))",
    # A region's rows side by side in name order, with every column included: a region search
    # is an index-only scan of one short range (stopping after a page when ordered by name), not
    # a visit to rows scattered over the whole table.
    f"""CREATE INDEX tilbud_sokerad_region ON tilbud_sokerad (rhf_id, navn, tilbud_id)
        INCLUDE ({", ".join(k for k in _ALLE if k not in ("rhf_id", "navn"))})""",
    "CREATE INDEX tilbud_sokerad_malgrupper ON tilbud_sokerad USING gin (malgrupper)",
    "CREATE INDEX tilbud_sokerad_behandlingsformer ON tilbud_sokerad USING gin (behandlingsformer)",
    "CREATE INDEX tilbud_sokerad_kommuner ON tilbud_sokerad USING gin (kommuner)",
    "ANALYZE tilbud_sokerad",
]

FJERN = [
    *(
        f"DROP TRIGGER IF EXISTS {trigger} ON {tabell}"
        for tabell in (
            "tilbud_tilbud",
            "tilbud_tilbud_malgrupper",
            "tilbud_tilbud_behandlingsformer",
            "tilbud_tilbud_lokasjoner",
            "tilbud_lokasjon",
        )
        for trigger in ("sokerad_ny", "sokerad_endret", "sokerad_slettet", "sokerad_tom")
    ),
    *(
        f"DROP FUNCTION IF EXISTS {funksjon}"
        for funksjon in (
            "tilbud_sokerad_tilbud_ny()",
            "tilbud_sokerad_tilbud_endret()",
            "tilbud_sokerad_tilbud_slettet()",
            "tilbud_sokerad_tom()",
            "tilbud_sokerad_lenke_ny()",
            "tilbud_sokerad_lenke_slettet()",
            "tilbud_sokerad_lenke_endret()",
            "tilbud_sokerad_lenke_tom()",
            "tilbud_sokerad_lokasjon_endret()",
            "tilbud_sokerad_oppdater(bigint[])",
            "tilbud_ordliste_legg_til(tsvector[])",
        )
    ),
    "DROP TABLE IF EXISTS tilbud_sokerad",
    "DROP TABLE IF EXISTS tilbud_sokeordliste",
]


def _kjor(setninger):
    def kjor(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in setninger:
                schema_editor.execute(sql)

    return kjor


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0006_stedspunkt"),
    ]

    operations = [
        migrations.RunPython(_kjor(OPPRETT), _kjor(FJERN)),
        # Only the model state: the table itself is made above, on PostgreSQL only.
        migrations.CreateModel(
            name="Sokerad",
            fields=[
                (
                    "tilbud",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="sokerad",
                        serialize=False,
                        to="tilbud.tilbud",
                    ),
                ),
                ("status", models.CharField(max_length=20)),
                ("fagomrade", models.CharField(max_length=30)),
                ("alder_fra", models.PositiveSmallIntegerField(null=True)),
                ("alder_til", models.PositiveSmallIntegerField(null=True)),
                (
                    "malgrupper",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), size=None
                    ),
                ),
                (
                    "behandlingsformer",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=20), size=None
                    ),
                ),
                (
                    "kommuner",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=4), size=None
                    ),
                ),
                ("sted_lat", models.FloatField(null=True)),
                ("sted_lon", models.FloatField(null=True)),
                ("navn", models.CharField(max_length=300)),
            ],
            options={
                "verbose_name": "søkerad",
                "verbose_name_plural": "søkerader",
                "db_table": "tilbud_sokerad",
                "managed": False,
            },
        ),
    ]
