"""The one keeper of the derived search data. Nothing else computes it.

Derived from the tilbud and what they link to:

- `tilbud_tilbud.sokeord`: short lower-case text (name, provider, category, fagområde,
  målgrupper, diagnoses) that SQLite searches and PostgreSQL's trigram index covers;
- `tilbud_tilbud.sokevektor` (PostgreSQL): the weighted `norwegian` tsvector of the full-text
  search (A: name and provider; B: who it is for; C: what happens);
- `tilbud_tilbud.sted_lat/sted_lon`: the mean point of its sites' kommuner (distance ranking);
- `tilbud_sokerad` (PostgreSQL): the narrow search table (tilbud.models.sokerad);
- `tilbud_sokeordliste`: the catalogue's vocabulary, for typo corrections. On PostgreSQL the
  lexemes of the tsvectors (pg_trgm corrects against it); on SQLite the words (three letters or
  more, not numbers) of what the ORM search matches: `sokeord`, `malgruppe_tekst`, `innhold`
  (rapidfuzz corrects against it, tilbud.sok.orm). On both words are only added: a word no
  tilbud uses any more is a harmless correction that finds nothing.

How every write path is covered:

- **PostgreSQL**: database triggers (installed by migration 0013 from `pg_opprett`) on the
  tilbud, their målgruppe, behandlingsform and site links, organisations (name), sites
  (kommune), kommuner (point, region) and målgrupper (name). So a service, a plain `save()`, a
  `QuerySet.update()`, the admin, the import and raw SQL all keep the data exact, in the same
  transaction. Statement-level triggers with transition tables: a bulk write is one call, and a
  write that leaves every input alone costs a comparison. A row trigger protects the derived
  columns: a write of stale values (a `save()` of an instance read before a link changed) is
  ignored; only the keeper itself writes them (it sets `tilbud.sokevokter` for its own UPDATE).
- **SQLite**: the same inputs fire SQLite triggers (installed by migration 0013 from
  `SQLITE_OPPRETT`) that recompute `sokeord` and the point row by row, with the Python function
  `sokeord_av` registered on every connection (`registrer_funksjoner`, connected to
  `connection_created` by `koble_til`). So `save()`, `update()`, the admin, the import,
  services and raw SQL through Django's connection are covered alike; the same triggers add
  the tilbud's words to the vocabulary (`ordliste_ord`, also registered). (The search table and
  the tsvector exist on PostgreSQL only.)
- **The catalogue version** (tilbud.models.Katalogversjon, read by tilbud.katalogversjon): a
  trigger on every table the public search, tilbud pages and public API read (KATALOGTABELLER;
  statement-level on PostgreSQL, per row on SQLite) gives it a new random value in the same
  transaction as the write, whichever path made it. The search's in-process copy of the
  reference tables (tilbud.referanse) and the public response cache (tilbud.offentlig_cache)
  compare it once per request. The signals connected by `koble_til` only make a process drop
  its copy at once after its own ORM save or delete.

`bygg_pa_nytt` rebuilds all of it from scratch; tests compare the kept data against it.
"""

# The SQL below is put together from this module's constants only, never from input.
# ruff: noqa: S608

import importlib
import json
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from tilbud.models.tilbud import Fagomrade

# The tilbud's own columns the search table copies (the rest of its row comes from links).
SOKERAD_EGNE = [
    "rhf_id", "organisasjon_id", "status", "fagomrade", "alder_fra", "alder_til",
    "sted_lat", "sted_lon", "navn", "digital",
]  # fmt: skip
# The tilbud's own columns that sokeord and sokevektor are made of.
AVLEDET_AV = [
    "navn", "organisasjon_id", "kategori", "fagomrade", "diagnoser", "malgruppe_tekst",
    "innhold", "behandlingsform_tekst", "deltilbud",
]  # fmt: skip
AVLEDEDE = ["sokeord", "sokevektor", "sted_lat", "sted_lon"]
# Set (transaction-locally) while the keeper writes the derived columns itself.
VAKT = "tilbud.sokevokter"


def _fagomrader() -> list[tuple[str, str]]:
    """Fagområde code → bokmål label: sokeord holds the label whatever the request's language."""
    with translation.override("nb"):
        return [(str(kode), str(navn)) for kode, navn in Fagomrade.choices]


# ------------------------------------------------------------------------------- SQLite


def sokeord_av(
    navn: str | None,
    tilbyder: str | None,
    kategori: str | None,
    fagomrade: str | None,
    malgrupper: str | None,
    diagnoser: str | None,
) -> str:
    """sokeord from its parts (SQLite; PostgreSQL does the same in SQL): what a tilbud is called
    and for whom, whitespace collapsed, lower-cased in Python so that æ, ø and å compare right.
    `malgrupper` is the målgruppe names joined by \\x1f, `diagnoser` the JSON list."""
    try:
        diagnoseliste = json.loads(diagnoser or "[]")
    except ValueError:
        diagnoseliste = []
    if not isinstance(diagnoseliste, list):
        diagnoseliste = []
    deler = [
        navn,
        tilbyder,
        kategori,
        dict(_fagomrader()).get(fagomrade or "", ""),
        *sorted((malgrupper or "").split("\x1f")),
        *(str(d) for d in diagnoseliste),
    ]
    return " ".join(d for d in (" ".join((d or "").split()) for d in deler) if d).lower()


def ordliste_ord(*tekster: str | None) -> str:
    """The vocabulary words of a tilbud's texts as a JSON list (SQLite's triggers read it with
    json_each): lower-case words of three letters or more, numbers left out, as PostgreSQL's
    `tilbud_ordliste_legg_til` does with the lexemes."""
    ord_ = set()
    for tekst in tekster:
        for o in re.findall(r"\w+", (tekst or "").lower()):
            if len(o) >= 3 and not o.isdigit():
                ord_.add(o)
    return json.dumps(sorted(ord_), ensure_ascii=False)


def registrer_funksjoner(
    sender: object = None, connection: BaseDatabaseWrapper | None = None, **_: Any
) -> None:
    """Register sokeord_av on a new SQLite connection (connection_created)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            "sokevokter_sokeord", 6, sokeord_av, deterministic=True
        )
        connection.connection.create_function("sokevokter_ord", 3, ordliste_ord, deterministic=True)


def _sqlite_beregn(hvor: str) -> list[str]:
    """UPDATE of the derived columns of the tilbud that `hvor` selects, and their words added
    to the vocabulary (SQLite)."""
    punkt = """(SELECT round(avg(k.{akse}), 5) FROM tilbud_tilbud_lokasjoner tl
                  JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                  JOIN tilbud_kommune k ON k.nummer = l.kommune_id
                 WHERE tl.tilbud_id = tilbud_tilbud.id)"""
    oppdater = f"""
    UPDATE tilbud_tilbud SET
        sokeord = sokevokter_sokeord(
            navn,
            (SELECT o.navn FROM tilbud_organisasjon o WHERE o.id = tilbud_tilbud.organisasjon_id),
            kategori, fagomrade,
            (SELECT group_concat(m.navn, char(31)) FROM tilbud_tilbud_malgrupper tm
               JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
              WHERE tm.tilbud_id = tilbud_tilbud.id),
            diagnoser),
        sted_lat = {punkt.format(akse="lat")},
        sted_lon = {punkt.format(akse="lon")}
    WHERE {hvor}"""
    # json_each has an `id` column of its own: the tilbud are selected in a subquery.
    ordliste = f"""
    INSERT OR IGNORE INTO tilbud_sokeordliste (ord)
    SELECT j.value
      FROM (SELECT sokeord, malgruppe_tekst, innhold FROM tilbud_tilbud WHERE {hvor}) AS t,
           json_each(sokevokter_ord(t.sokeord, t.malgruppe_tekst, t.innhold)) AS j"""
    return [oppdater, ordliste]


SQLITE_ORDLISTE = "CREATE TABLE IF NOT EXISTS tilbud_sokeordliste (ord text PRIMARY KEY)"


# (trigger name, event, table, which tilbud)
_SQLITE_UTLOSERE = [
    ("tilbud_ny", "INSERT", "tilbud_tilbud", "id = NEW.id"),
    (
        "tilbud_endret",
        "UPDATE OF navn, organisasjon_id, kategori, fagomrade, diagnoser, sokeord, sted_lat, "
        "sted_lon, malgruppe_tekst, innhold",
        "tilbud_tilbud",
        "id = NEW.id",
    ),
    *(
        (f"{kort}_{navn}", hendelse, tabell, f"id = {rad}.tilbud_id")
        for kort, tabell in (
            ("malgrupper", "tilbud_tilbud_malgrupper"),
            ("lokasjoner", "tilbud_tilbud_lokasjoner"),
        )
        for navn, hendelse, rad in (
            ("ny", "INSERT", "NEW"),
            ("slettet", "DELETE", "OLD"),
            ("endret", "UPDATE", "NEW"),
            ("endret_gammel", "UPDATE", "OLD"),
        )
    ),
    (
        "organisasjon_endret",
        "UPDATE OF navn",
        "tilbud_organisasjon",
        "organisasjon_id = NEW.id",
    ),
    (
        "lokasjon_endret",
        "UPDATE OF kommune_id",
        "tilbud_lokasjon",
        "id IN (SELECT tilbud_id FROM tilbud_tilbud_lokasjoner WHERE lokasjon_id = NEW.id)",
    ),
    (
        "kommune_endret",
        "UPDATE OF lat, lon",
        "tilbud_kommune",
        "id IN (SELECT tl.tilbud_id FROM tilbud_tilbud_lokasjoner tl JOIN tilbud_lokasjon l "
        "ON l.id = tl.lokasjon_id WHERE l.kommune_id = NEW.nummer)",
    ),
    (
        "malgruppe_endret",
        "UPDATE OF navn",
        "tilbud_malgruppe",
        "id IN (SELECT tilbud_id FROM tilbud_tilbud_malgrupper WHERE malgruppe_id = NEW.id)",
    ),
]

SQLITE_OPPRETT = [
    f"""CREATE TRIGGER sokevokter_{navn} AFTER {hendelse} ON {tabell}
        BEGIN {"; ".join(_sqlite_beregn(hvor))}; END"""
    for navn, hendelse, tabell, hvor in _SQLITE_UTLOSERE
]
SQLITE_FJERN = [f"DROP TRIGGER IF EXISTS sokevokter_{navn}" for navn, *_ in _SQLITE_UTLOSERE]


# --------------------------------------------------------------------------- PostgreSQL


def _rad(prefiks: str, kolonner: list[str]) -> str:
    return ", ".join(f"{prefiks}.{k}" for k in kolonner)


def _endrede(kolonner: list[str]) -> str:
    """Ids of the updated rows where any of the columns changed (in a statement trigger)."""
    return f"""ARRAY(SELECT n.id FROM ny n JOIN gammel g ON g.id = n.id
                     WHERE ({_rad("n", kolonner)}) IS DISTINCT FROM ({_rad("g", kolonner)}))"""


def pg_opprett(egne: list[str]) -> list[str]:
    """The PostgreSQL functions and triggers, for a search table carrying the tilbud columns
    `egne` (a migration that adds one passes the longer list and installs them again)."""
    alle = [*egne, "malgrupper", "behandlingsformer", "kommuner", "kommuner_utenfor"]
    fagomrade = " ".join(
        f"WHEN '{kode}' THEN '{navn.replace(chr(39), chr(39) * 2)}'" for kode, navn in _fagomrader()
    )
    return [
        *_pg_fjern_gamle(),
        *(sql for sql in PG_FJERN if sql.startswith("DROP TRIGGER")),
        # sokeord, sokevektor and the point of the given tilbud, from the tables.
        f"""
        CREATE OR REPLACE FUNCTION tilbud_avledet(ider bigint[])
        RETURNS TABLE (id bigint, sokeord text, sokevektor tsvector,
                       sted_lat double precision, sted_lon double precision)
        LANGUAGE sql STABLE AS $$
            SELECT t.id,
                   lower(array_to_string(ARRAY(
                       SELECT d FROM unnest(
                           ARRAY[t.navn::text, o.navn::text, t.kategori::text,
                                 CASE t.fagomrade {fagomrade} ELSE '' END]
                           || mg.navn
                           || ARRAY(SELECT jsonb_array_elements_text(
                                  CASE WHEN jsonb_typeof(t.diagnoser) = 'array'
                                       THEN t.diagnoser ELSE '[]' END))
                       ) WITH ORDINALITY AS u(del_, nr),
                       LATERAL (SELECT btrim(regexp_replace(del_, '\\s+', ' ', 'g')) AS d) AS r
                       WHERE d <> '' ORDER BY nr), ' ')),
                   setweight(to_tsvector('norwegian', t.navn || ' ' || o.navn), 'A')
                || setweight(to_tsvector('norwegian',
                       array_to_string(mg.navn, ' ') || ' ' || t.kategori || ' '
                       || t.malgruppe_tekst || ' ' || t.diagnoser::text), 'B')
                || setweight(to_tsvector('norwegian',
                       t.innhold || ' ' || t.behandlingsform_tekst || ' ' || t.deltilbud::text),
                       'C'),
                   round(p.lat, 5)::double precision,
                   round(p.lon, 5)::double precision
              FROM tilbud_tilbud t
              JOIN tilbud_organisasjon o ON o.id = t.organisasjon_id
             CROSS JOIN LATERAL (
                   SELECT ARRAY(SELECT m.navn::text FROM tilbud_tilbud_malgrupper tm
                                  JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
                                 WHERE tm.tilbud_id = t.id ORDER BY m.navn, m.id) AS navn
                   ) AS mg
             CROSS JOIN LATERAL (
                   SELECT avg(k.lat) AS lat, avg(k.lon) AS lon
                     FROM tilbud_tilbud_lokasjoner tl
                     JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                     JOIN tilbud_kommune k ON k.nummer = l.kommune_id
                    WHERE tl.tilbud_id = t.id) AS p
             WHERE t.id = ANY(ider)
        $$
        """,
        # Write them where they differ; the tilbud update trigger below carries the change on
        # to the search table and the vocabulary.
        f"""
        CREATE OR REPLACE FUNCTION tilbud_avledet_oppdater(ider bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            IF cardinality(ider) = 0 THEN RETURN; END IF;
            PERFORM set_config('{VAKT}', 'på', true);
            UPDATE tilbud_tilbud t
               SET ({", ".join(AVLEDEDE)}) = ROW({_rad("a", AVLEDEDE)})
              FROM tilbud_avledet(ider) a
             WHERE a.id = t.id AND ({_rad("t", AVLEDEDE)}) IS DISTINCT FROM ({_rad("a", AVLEDEDE)});
            PERFORM set_config('{VAKT}', '', true);
        END $$
        """,
        # The search table rows of the given tilbud; rows of tilbud that are gone go, and
        # unchanged rows are not rewritten (no dead tuples from no-op saves).
        f"""
        CREATE OR REPLACE FUNCTION tilbud_sokerad_oppdater(ider bigint[]) RETURNS void
        LANGUAGE sql AS $$
            DELETE FROM tilbud_sokerad s
             WHERE s.tilbud_id = ANY(ider)
               AND NOT EXISTS (SELECT 1 FROM tilbud_tilbud t WHERE t.id = s.tilbud_id);
            INSERT INTO tilbud_sokerad AS s (tilbud_id, {", ".join(alle)})
            SELECT t.id, {_rad("t", egne)},
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
               SET ({", ".join(alle)}) = ROW({_rad("EXCLUDED", alle)})
             WHERE ({_rad("s", alle)}) IS DISTINCT FROM ({_rad("EXCLUDED", alle)});
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_oppdater(ider bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_avledet_oppdater(ider);
            PERFORM tilbud_sokerad_oppdater(ider);
        END $$
        """,
        # Only the keeper writes the derived columns: anything else written there (a save() of
        # an instance read before a link changed) keeps what the row had.
        f"""
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_vern() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{VAKT}', true) = 'på' THEN RETURN NEW; END IF;
            IF TG_OP = 'INSERT' THEN
                NEW.sokeord := ''; NEW.sokevektor := NULL;
                NEW.sted_lat := NULL; NEW.sted_lon := NULL;
            ELSE
                NEW.sokeord := OLD.sokeord; NEW.sokevektor := OLD.sokevektor;
                NEW.sted_lat := OLD.sted_lat; NEW.sted_lon := OLD.sted_lon;
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_tilbud_ny() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_sokevokter_oppdater(ARRAY(SELECT id FROM ny));
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_tilbud_endret() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{VAKT}', true) = 'på' THEN
                -- The keeper's own write of the derived columns.
                PERFORM tilbud_sokerad_oppdater({_endrede(["sted_lat", "sted_lon"])});
                PERFORM tilbud_ordliste_legg_til(ARRAY(
                    SELECT n.sokevektor FROM ny n JOIN gammel g ON g.id = n.id
                     WHERE n.sokevektor IS DISTINCT FROM g.sokevektor));
                RETURN NULL;
            END IF;
            PERFORM tilbud_avledet_oppdater({_endrede(AVLEDET_AV)});
            PERFORM tilbud_sokerad_oppdater({_endrede(egne)});
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_tilbud_slettet() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM tilbud_sokerad WHERE tilbud_id IN (SELECT id FROM gammel);
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_tom() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE tilbud_sokerad;
            RETURN NULL;
        END $$
        """,
        # Links: TG_ARGV[0] says whether sokeord/sokevektor/the point depend on the link table
        # (målgrupper, sites) or only the search table does (behandlingsformer).
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_lenke() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            ider bigint[];
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                ider := ARRAY(SELECT id FROM tilbud_tilbud);
            ELSIF TG_OP = 'INSERT' THEN
                ider := ARRAY(SELECT DISTINCT tilbud_id FROM ny);
            ELSIF TG_OP = 'DELETE' THEN
                ider := ARRAY(SELECT DISTINCT tilbud_id FROM gammel);
            ELSE
                ider := ARRAY(SELECT tilbud_id FROM ny UNION SELECT tilbud_id FROM gammel);
            END IF;
            IF TG_ARGV[0] = 'avledet' THEN
                PERFORM tilbud_avledet_oppdater(ider);
            END IF;
            PERFORM tilbud_sokerad_oppdater(ider);
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_organisasjon_endret() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_avledet_oppdater(ARRAY(
                SELECT t.id FROM ny n JOIN gammel g ON g.id = n.id
                  JOIN tilbud_tilbud t ON t.organisasjon_id = n.id
                 WHERE n.navn IS DISTINCT FROM g.navn));
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_lokasjon_endret() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_sokevokter_oppdater(ARRAY(
                SELECT DISTINCT tl.tilbud_id FROM ny n JOIN gammel g ON g.id = n.id
                  JOIN tilbud_tilbud_lokasjoner tl ON tl.lokasjon_id = n.id
                 WHERE n.kommune_id IS DISTINCT FROM g.kommune_id));
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_kommune_endret() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_sokevokter_oppdater(ARRAY(
                SELECT DISTINCT tl.tilbud_id FROM ny n JOIN gammel g ON g.nummer = n.nummer
                  JOIN tilbud_lokasjon l ON l.kommune_id = n.nummer
                  JOIN tilbud_tilbud_lokasjoner tl ON tl.lokasjon_id = l.id
                 WHERE (n.lat, n.lon, n.rhf_id) IS DISTINCT FROM (g.lat, g.lon, g.rhf_id)));
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION tilbud_sokevokter_malgruppe_endret() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM tilbud_avledet_oppdater(ARRAY(
                SELECT DISTINCT tm.tilbud_id FROM ny n JOIN gammel g ON g.id = n.id
                  JOIN tilbud_tilbud_malgrupper tm ON tm.malgruppe_id = n.id
                 WHERE n.navn IS DISTINCT FROM g.navn));
            RETURN NULL;
        END $$
        """,
        # Row-level only where it must be (the guard); everything else once per statement.
        """CREATE TRIGGER sokevokter_vern BEFORE INSERT OR UPDATE ON tilbud_tilbud
           FOR EACH ROW EXECUTE FUNCTION tilbud_sokevokter_vern()""",
        """CREATE TRIGGER sokevokter_ny AFTER INSERT ON tilbud_tilbud
           REFERENCING NEW TABLE AS ny
           FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_tilbud_ny()""",
        """CREATE TRIGGER sokevokter_endret AFTER UPDATE ON tilbud_tilbud
           REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
           FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_tilbud_endret()""",
        """CREATE TRIGGER sokevokter_slettet AFTER DELETE ON tilbud_tilbud
           REFERENCING OLD TABLE AS gammel
           FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_tilbud_slettet()""",
        """CREATE TRIGGER sokevokter_tom AFTER TRUNCATE ON tilbud_tilbud
           FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_tom()""",
        *(
            sql.format(tabell=tabell, arg=arg)
            for tabell, arg in (
                ("tilbud_tilbud_malgrupper", "avledet"),
                ("tilbud_tilbud_lokasjoner", "avledet"),
                ("tilbud_tilbud_behandlingsformer", "sokerad"),
            )
            for sql in (
                """CREATE TRIGGER sokevokter_ny AFTER INSERT ON {tabell}
                   REFERENCING NEW TABLE AS ny
                   FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_lenke('{arg}')""",
                """CREATE TRIGGER sokevokter_slettet AFTER DELETE ON {tabell}
                   REFERENCING OLD TABLE AS gammel
                   FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_lenke('{arg}')""",
                """CREATE TRIGGER sokevokter_endret AFTER UPDATE ON {tabell}
                   REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
                   FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_lenke('{arg}')""",
                """CREATE TRIGGER sokevokter_tom AFTER TRUNCATE ON {tabell}
                   FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_lenke('{arg}')""",
            )
        ),
        *(
            f"""CREATE TRIGGER sokevokter_endret AFTER UPDATE ON {tabell}
                REFERENCING NEW TABLE AS ny OLD TABLE AS gammel
                FOR EACH STATEMENT EXECUTE FUNCTION tilbud_sokevokter_{hva}_endret()"""
            for tabell, hva in (
                ("tilbud_organisasjon", "organisasjon"),
                ("tilbud_lokasjon", "lokasjon"),
                ("tilbud_kommune", "kommune"),
                ("tilbud_malgruppe", "malgruppe"),
            )
        ),
    ]


_PG_TRIGGERTABELLER = (
    "tilbud_tilbud",
    "tilbud_tilbud_malgrupper",
    "tilbud_tilbud_behandlingsformer",
    "tilbud_tilbud_lokasjoner",
    "tilbud_lokasjon",
    "tilbud_organisasjon",
    "tilbud_kommune",
    "tilbud_malgruppe",
)
_PG_FUNKSJONER = (
    "tilbud_sokevokter_vern()",
    "tilbud_sokevokter_tilbud_ny()",
    "tilbud_sokevokter_tilbud_endret()",
    "tilbud_sokevokter_tilbud_slettet()",
    "tilbud_sokevokter_tom()",
    "tilbud_sokevokter_lenke()",
    "tilbud_sokevokter_organisasjon_endret()",
    "tilbud_sokevokter_lokasjon_endret()",
    "tilbud_sokevokter_kommune_endret()",
    "tilbud_sokevokter_malgruppe_endret()",
    "tilbud_sokevokter_oppdater(bigint[])",
    "tilbud_avledet_oppdater(bigint[])",
    "tilbud_avledet(bigint[])",
)


def _pg_fjern_gamle() -> list[str]:
    """What migration 0007 installed and the keeper replaces: 0007's own drop list (one source),
    less what the keeper still uses (the search table, the vocabulary and its function, and
    `tilbud_sokerad_oppdater`, which the keeper redefines)."""
    m0007 = importlib.import_module("tilbud.migrations.0007_sokerad")
    beholdt = ("DROP TABLE", "tilbud_sokerad_oppdater(", "tilbud_ordliste_legg_til(")
    return [sql for sql in m0007.FJERN if not any(b in sql for b in beholdt)]


PG_FJERN = [
    *(
        f"DROP TRIGGER IF EXISTS {trigger} ON {tabell}"
        for tabell in _PG_TRIGGERTABELLER
        for trigger in (
            "sokevokter_vern",
            "sokevokter_ny",
            "sokevokter_endret",
            "sokevokter_slettet",
            "sokevokter_tom",
        )
    ),
    *(f"DROP FUNCTION IF EXISTS {funksjon}" for funksjon in _PG_FUNKSJONER),
]


# -------------------------------------------------------------------- catalogue version

# Every table the public search, tilbud pages and public API read (tilbud.katalogversjon). A
# write to any of them gives `tilbud_katalogversjon` a new value in the same transaction;
# referrals, error reports, proposals, roles and history do not reach the public view and
# leave it alone. The search table and vocabulary are derived from these and need no trigger.
KATALOGTABELLER = (
    "tilbud_tilbud",
    "tilbud_tilbud_malgrupper",
    "tilbud_tilbud_behandlingsformer",
    "tilbud_tilbud_lokasjoner",
    "tilbud_lokasjon",
    "tilbud_organisasjon",
    "tilbud_avtale",
    "tilbud_opptaksomrade",
    "tilbud_kommune",
    "tilbud_fylke",
    "tilbud_postnummer",
    "tilbud_malgruppe",
    "tilbud_malgruppekode",
    "tilbud_behandlingsform",
    "tilbud_diagnosekode",
    "tilbud_synonym",
)

# Statement-level on PostgreSQL (a bulk write is one bump); an upsert, so that a flushed table
# gets its row back. TRUNCATE too: tests flush, and a rebuild may empty a table.
PG_KATALOGVERSJON_OPPRETT = [
    """
    CREATE OR REPLACE FUNCTION tilbud_katalogversjon_flytt() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tilbud_katalogversjon (id, versjon)
        VALUES (1, md5(random()::text || clock_timestamp()::text || txid_current()::text))
        ON CONFLICT (id) DO UPDATE SET versjon = EXCLUDED.versjon;
        RETURN NULL;
    END $$
    """,
    *(
        f"""CREATE OR REPLACE TRIGGER katalogversjon AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON {tabell} FOR EACH STATEMENT EXECUTE FUNCTION tilbud_katalogversjon_flytt()"""
        for tabell in KATALOGTABELLER
    ),
]
PG_KATALOGVERSJON_FJERN = [
    *(f"DROP TRIGGER IF EXISTS katalogversjon ON {tabell}" for tabell in KATALOGTABELLER),
    "DROP FUNCTION IF EXISTS tilbud_katalogversjon_flytt()",
]
# SQLite has row triggers only: one bump per row written (the import writes a few thousand).
_SQLITE_FLYTT = """INSERT OR REPLACE INTO tilbud_katalogversjon (id, versjon)
                   VALUES (1, lower(hex(randomblob(16))));"""
SQLITE_KATALOGVERSJON_OPPRETT = [
    f"""CREATE TRIGGER katalogversjon_{tabell}_{hendelse.lower()} AFTER {hendelse} ON {tabell}
        BEGIN {_SQLITE_FLYTT} END"""
    for tabell in KATALOGTABELLER
    for hendelse in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_KATALOGVERSJON_FJERN = [
    f"DROP TRIGGER IF EXISTS katalogversjon_{tabell}_{hendelse.lower()}"
    for tabell in KATALOGTABELLER
    for hendelse in ("INSERT", "UPDATE", "DELETE")
]


def installer_katalogversjon(schema_editor: Any) -> None:
    """Install the catalogue version's triggers (its migration, and again with the others in
    `installer`: SQLite drops a table's triggers when a migration rebuilds the table)."""
    if "tilbud_katalogversjon" not in schema_editor.connection.introspection.table_names():
        return  # an older migration calling `installer`: the table comes later
    if schema_editor.connection.vendor == "postgresql":
        setninger = PG_KATALOGVERSJON_OPPRETT
    elif schema_editor.connection.vendor == "sqlite":
        setninger = SQLITE_KATALOGVERSJON_FJERN + SQLITE_KATALOGVERSJON_OPPRETT
    else:
        return
    for sql in setninger:
        schema_editor.execute(sql)
    # Whatever the process copies held before the triggers existed is not known to be current.
    schema_editor.execute(
        _SQLITE_FLYTT
        if schema_editor.connection.vendor == "sqlite"
        else "INSERT INTO tilbud_katalogversjon (id, versjon) VALUES (1, md5(random()::text)) "
        "ON CONFLICT (id) DO UPDATE SET versjon = EXCLUDED.versjon"
    )


# ------------------------------------------------------------------------ keeper's entry


def koble_til() -> None:
    """Connect the keeper's hooks, once (TilbudConfig.ready)."""
    from tilbud import referanse

    connection_created.connect(registrer_funksjoner, dispatch_uid="sokevokter")
    for modell in referanse.REFERANSEMODELLER:
        post_save.connect(_referanse_endret, sender=modell, dispatch_uid=f"ref-lagret-{modell}")
        post_delete.connect(_referanse_endret, sender=modell, dispatch_uid=f"ref-slettet-{modell}")


def _referanse_endret(sender: type, instance: Any, **_kwargs: Any) -> None:
    from tilbud import referanse
    from tilbud.models import Organisasjon

    # Of the organisations only the RHF are reference data (providers and HF are referred to
    # by id from agreements and opptaksområder, which have their own signals).
    if sender is Organisasjon and instance.type != Organisasjon.Type.RHF:
        return
    referanse.endret()


def fjern_sqlite(apps: Any, schema_editor: Any) -> None:
    """Drop SQLite's triggers: a migration that changes a table they name (SQLite rebuilds the
    table) runs this first and `installer` after, or SQLite refuses the rename."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FJERN + SQLITE_KATALOGVERSJON_FJERN:
            schema_editor.execute(sql)


def installer(schema_editor: Any, egne: list[str]) -> None:
    """Install the triggers of this database (migrations) and bring the data up to date."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in pg_opprett(egne):
            schema_editor.execute(sql)
    elif schema_editor.connection.vendor == "sqlite":
        registrer_funksjoner(connection=schema_editor.connection)
        for sql in [SQLITE_ORDLISTE, *SQLITE_FJERN, *SQLITE_OPPRETT]:
            schema_editor.execute(sql)
    installer_katalogversjon(schema_editor)
    bygg_pa_nytt(schema_editor.connection)


def bygg_pa_nytt(
    tilkobling: BaseDatabaseWrapper | None = None, ider: Iterable[int] | None = None
) -> None:
    """Recompute the derived search data from scratch: of the given tilbud, or all of them
    (the search table and the vocabulary emptied first). What the triggers keep must equal it."""
    tilkobling = tilkobling or connection
    ider = None if ider is None else list(ider)
    with tilkobling.cursor() as cursor:
        if tilkobling.vendor == "postgresql":
            if ider is None:
                cursor.execute("TRUNCATE tilbud_sokerad, tilbud_sokeordliste")
                cursor.execute("SELECT set_config(%s, 'på', true)", [VAKT])
                cursor.execute("UPDATE tilbud_tilbud SET sokevektor = NULL")
                cursor.execute("SELECT set_config(%s, '', true)", [VAKT])
                ider_sql = "ARRAY(SELECT id FROM tilbud_tilbud)"
                cursor.execute(f"SELECT tilbud_sokevokter_oppdater({ider_sql})")
                cursor.execute(
                    "SELECT tilbud_ordliste_legg_til(ARRAY(SELECT sokevektor FROM tilbud_tilbud))"
                )
                cursor.execute("ANALYZE tilbud_sokerad")
            else:
                cursor.execute("SELECT tilbud_sokevokter_oppdater(%s::bigint[])", [ider])
        elif tilkobling.vendor == "sqlite":
            registrer_funksjoner(connection=tilkobling)
            if ider is None:
                cursor.execute("DELETE FROM tilbud_sokeordliste")
                for sql in _sqlite_beregn("1 = 1"):
                    cursor.execute(sql)
            elif ider:
                plasser = ", ".join(["%s"] * len(ider))
                for sql in _sqlite_beregn(f"id IN ({plasser})"):
                    cursor.execute(sql, ider)
