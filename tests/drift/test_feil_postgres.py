"""PostgreSQL restarted under load, with the real parts: gunicorn on a private PostgreSQL cluster
(tests/drift/tjenester.py; the shared server is not touched).

Clients keep asking for the search page, a tilbud page, the search API and /readyz while the
database is stopped (fast shutdown: open sessions are cut, as in a restart) and started again.
Every answer is 200 or a friendly 503 — a Norwegian page (JSON under /api/) with Retry-After and
no traceback — never a 500 or a dropped connection; /readyz names the database. When PostgreSQL
is back, everything answers 200 again within seconds, from the same gunicorn workers: the app
was not restarted (CONN_HEALTH_CHECKS replaces the dead connections).
"""

import json
import threading
import time
import uuid
from urllib.parse import urlencode

import pytest

from .conftest import MAL
from .tjenester import Gunicorn, app_miljo, hent, vent

# Servers and workers of its own (the cluster's set-up counts): a hang fails within ten minutes.
pytestmark = pytest.mark.timeout(600)

SOK = urlencode({"kommune": "Bodø", "diagnose": "L86"})


def test_postgres_omstart_under_last_gir_vennlig_503_og_kommer_seg_uten_omstart(
    privat_pg, tmp_path
) -> None:
    db = f"pg_{uuid.uuid4().hex[:8]}"
    miljo = app_miljo(privat_pg.lag_database(db, MAL), None)
    tilbud = privat_pg.sql(db, "SELECT id FROM tilbud_tilbud WHERE status = 'aktiv' LIMIT 1")[0][0]
    sider = ["/?" + SOK, f"/tilbud/{tilbud}/", "/api/v1/tilbud/?" + SOK, "/readyz"]
    web = Gunicorn(miljo, tmp_path / "gunicorn.log")
    svar: list[tuple[float, str, int, dict[str, str], str]] = []
    stopp = threading.Event()

    def last(nr: int) -> None:
        i = nr
        while not stopp.is_set():
            sti = sider[i % len(sider)]
            i += 1
            try:
                status, hoder, tekst = hent(web.base + sti, timeout=20)
            except OSError as feil:
                status, hoder, tekst = 0, {}, repr(feil)
            svar.append((time.monotonic(), sti, status, hoder, tekst))

    trader = [threading.Thread(target=last, args=(n,), daemon=True) for n in range(4)]
    try:
        for t in trader:
            t.start()
        vent(lambda: sum(1 for s in svar if s[2] == 200) >= 8, 20, "lasten er i gang")
        arbeidere = web.arbeidere()
        assert len(arbeidere) == 2

        privat_pg.stopp()
        nede = time.monotonic()
        vent(lambda: any(s[2] == 503 and s[0] > nede for s in svar), 20, "klientene får 503")
        # Each kind of page while the database is down: friendly, Norwegian, no traceback.
        for sti in sider:
            status, hoder, tekst = hent(web.base + sti)
            assert status == 503, (sti, status, tekst[:300])
            if sti == "/readyz":
                assert json.loads(tekst)["sjekker"]["database"].startswith("feil")
            elif sti.startswith("/api/"):
                assert "midlertidig utilgjengelig" in json.loads(tekst)["detail"]
                assert hoder["Retry-After"] == "30"
            else:
                assert "Midlertidig utilgjengelig" in tekst and hoder["Retry-After"] == "30"

        privat_pg.start()
        oppe = time.monotonic()

        def alt_svarer() -> bool:
            return all(hent(web.base + sti)[0] == 200 for sti in sider)

        vent(alt_svarer, 20, "alt svarer 200 igjen etter omstarten", 0.2)
        gjenopprettet = time.monotonic() - oppe
        time.sleep(1)  # a second more of load on the recovered database
    finally:
        stopp.set()
        if not (privat_pg.data / "postmaster.pid").exists():
            privat_pg.start()  # the next tests share the cluster
        for t in trader:
            t.join(timeout=30)
        alive = web.lever()
        etter = web.arbeidere()
        web.stopp()

    assert alive and etter == arbeidere, "gunicorn eller arbeiderne ble startet på nytt"
    assert gjenopprettet < 15
    koder = {s[2] for s in svar}
    assert koder <= {200, 503}, [(s[1], s[2], s[4][:200]) for s in svar if s[2] not in (200, 503)]
    for _t, sti, status, hoder, tekst in svar:
        if status == 503:
            assert "Traceback" not in tekst, tekst[:500]
            if sti != "/readyz":  # /readyz names the failing check for operations
                assert "OperationalError" not in tekst and hoder.get("Retry-After") == "30", sti
    siste = [s for s in svar if s[0] > oppe + gjenopprettet + 0.5]
    assert siste and all(s[2] == 200 for s in siste), [(s[1], s[2]) for s in siste if s[2] != 200]
