"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Never a downloaded browser (`playwright install` is not used): `make test` installs the Debian
package `chromium` and axe-core from npm (package-lock.json) when they are missing.

The live server needs `transactional_db`, which empties every table after each test. So each test
imports the real catalogue first, and the module puts it back when it is done, so that tests
running after the browser tests (pytest-django orders transactional tests after the others) still
see it.
"""

import contextlib
import os
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tilbud import referanse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The in-memory SQLite test database is one connection shared with the live server's
    # threads; the type-ahead and the result list fetch at the same time, and two threads on one
    # SQLite connection fail with "table is locked". One request at a time avoids that;
    # PostgreSQL keeps the threaded server.
    class _EnOmGangen(WSGIServer):
        # LiveServerThread.run() already put the shared connection in its own thread.
        def __init__(self, *args: object, connections_override: object = None, **kw: object):
            super().__init__(*args, **kw)

    LiveServerThread.server_class = _EnOmGangen


@pytest.fixture(scope="session")
def nettleser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make test` eller `apt-get install -y chromium`.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM would then refuse to
    # run here (SynchronousOnlyOperation) although nothing is actually async.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module", autouse=True)
def katalog_tilbake_etterpa(django_db_blocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        call_command("importer_katalog", stdout=StringIO())


@pytest.fixture
def katalog(transactional_db) -> None:
    call_command("importer_katalog", stdout=StringIO())
    # Load the search's reference tables here, not in the live server's first request: on
    # SQLite the server shares this thread's connection, and the shorter its requests the less
    # they can overlap with the next test's import.
    referanse.referanse()


@pytest.fixture
def side_for(nettleser, live_server, katalog) -> Iterator[object]:
    """A factory for pages at a given width; fails the test on any console error."""
    kontekster = []
    feil: list[str] = []

    def lag(bredde: int = 1280, javascript: bool = True, sprak: str = "nb-NO") -> object:
        kontekst = nettleser.new_context(
            viewport={"width": bredde, "height": 900},
            java_script_enabled=javascript,
            # The browser's language (Accept-Language) chooses the page's.
            locale=sprak,
            base_url=live_server.url,
        )
        kontekst.set_default_timeout(10_000)
        kontekster.append(kontekst)
        side = kontekst.new_page()
        side.on(
            "console",
            lambda m: (
                feil.append(f"console.{m.type}: {m.text} [{m.location.get('url')}]")
                if m.type == "error"
                else None
            ),
        )
        side.on("pageerror", lambda e: feil.append(f"pageerror: {e}"))
        return side

    # Chrome logs every HTTP 400 as a console error; a test that submits bad input on purpose
    # lists the expected message here.
    lag.tillatt = []
    yield lag
    # Let the pages finish what they fetch (a search as you type, the back button's reload)
    # before the database is emptied: a request still running on the live server while the
    # test's flush truncates every table can deadlock with it on PostgreSQL.
    for kontekst in kontekster:
        for side in kontekst.pages:
            # A page that never goes quiet is closed anyway.
            with contextlib.suppress(Exception):
                side.wait_for_load_state("networkidle", timeout=5_000)
        kontekst.close()
    uventede = [f for f in feil if not any(t in f for t in lag.tillatt)]
    assert uventede == [], "feil i nettleserkonsollen:\n" + "\n".join(uventede)


@pytest.fixture
def side(side_for) -> object:
    return side_for()


def axe_brudd(side: object) -> list[dict]:
    """WCAG 2.1 A/AA violations that axe-core finds on the current page."""
    if not AXE.exists():
        pytest.fail(f"{AXE} mangler: kjør `npm ci` (eller `make test`).")
    # Evaluated through DevTools, not added as a <script>: the page's Content-Security-Policy
    # (no inline scripts) would block an injected script tag, as it should.
    if not side.evaluate("() => typeof window.axe !== 'undefined'"):
        side.evaluate(AXE.read_text(encoding="utf-8"))
    return side.evaluate(
        "(tagger) => axe.run(document, {runOnly: {type: 'tag', values: tagger}})"
        ".then(r => r.violations.map(v => ({id: v.id, hjelp: v.help,"
        " noder: v.nodes.map(n => n.target.join(' '))})))",
        WCAG_21_AA,
    )
