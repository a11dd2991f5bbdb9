"""The skips each backend of CI is meant to have, with the reason: tests.hoppvakt fails a run that
skips anything else, and a run in which a listed skip no longer happens.

Keys are node ids or fnmatch patterns of them (`[` in a pattern is written `[[]`); a pattern must
match only tests that skip. The SQLite run is `make run`'s embedded default: what needs
PostgreSQL, a real Redis or a real Celery worker is tested on the PostgreSQL + Redis run instead.
"""

_PG = "PostgreSQL only"

FORVENTEDE_HOPP: dict[str, dict[str, str]] = {
    "sqlite": {
        # Real servers and workers: PostgreSQL and Redis of their own, gunicorn, Celery.
        "tests/drift/test_feil_postgres.py::*": "fault tests start a private PostgreSQL",
        "tests/drift/test_feil_redis.py::*": "fault tests start a private PostgreSQL and Redis",
        "tests/drift/test_last.py::*": "the load test runs on a private PostgreSQL",
        "tests/henvisning/test_varsler_celery.py::*": "a real Celery worker needs Redis",
        "tests/rapporter/test_sammendrag_celery.py::*": "real Celery workers need Redis",
        "tests/tilbud/test_adresseregister_celery.py::*": "a real Celery worker needs Redis",
        "tests/test_sikkerhetskopi.py::*": "the backup procedure is pg_dump/pg_restore",
        # Concurrent writers: SQLite's in-memory test database locks whole tables.
        "tests/koordinator/test_samtidighet.py::*": "concurrent writers need a server database",
        "tests/tilbud/test_redigering_api.py::test_ten_concurrent_editors_exactly_one_wins": (
            "concurrent writers need a server database"
        ),
        # History is written by PostgreSQL triggers (django-pghistory).
        "tests/koordinator/test_redigering.py::test_history_diff_and_restore_on_postgresql": _PG,
        "tests/tilbud/test_redigering_api.py::test_reads_carry_no_history_context": _PG,
        # The search table, its one-statement pages and full-text search are PostgreSQL's.
        "tests/tilbud/test_sokerad.py::*": "the search table exists on PostgreSQL only",
        "tests/tilbud/test_rangering.py::*": "the tier-by-tier page is PostgreSQL's",
        "tests/tilbud/test_api_tilbud.py::test_the_one_statement_card_values_equal_the_orm_ones": (
            _PG
        ),
        "tests/tilbud/test_sok.py::test_full_text_ranks_name_matches_above_body_matches": _PG,
        "tests/tilbud/test_sok.py::test_typos_and_partial_words_still_match_on_postgresql": _PG,
        "tests/rapporter/test_synk_json.py::*": "the database writes the sync JSON on PostgreSQL",
        # The FHIR _history (ITI-91) reads the change log PostgreSQL's triggers write.
        "tests/rapporter/fhir/test_historikk.py::test_edit_end_and_restore_are_put_delete_put": _PG,
        "tests/rapporter/fhir/test_historikk.py::test_history_pages_follow_next_links": _PG,
        "tests/rapporter/fhir/test_historikk.py::test_bad_since_is_400": _PG,
        "tests/rapporter/fhir/test_historikk.py::test_a_til_in_the_future_*": _PG,
        "tests/rapporter/fhir/test_historikk.py::test_history_query_count_*": _PG,
        "tests/rapporter/fhir/test_historikk.py::test_a_mirror_*": _PG,
        "tests/rapporter/fhir/test_endepunkt.py::test_a_her_id_change_is_a_new_*": _PG,
        "tests/rapporter/fhir/test_endepunkt.py::test_endpoint_history_query_count_*": _PG,
        # The run's own Redis database (helsearbeid/settings/testkjoring.py).
        "tests/test_ci_vern.py::test_this_process_uses_the_redis_database_it_claimed": (
            "no Redis on the SQLite run"
        ),
    },
    "postgresql+redis": {
        "tests/koordinator/test_redigering.py::test_history_on_sqlite_says_so_politely": (
            "the page without history exists on SQLite only"
        ),
    },
}
