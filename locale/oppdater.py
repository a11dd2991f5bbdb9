"""Refreshes the nynorsk and English catalogues from the code (`make sprak`).

makemessages reads the public pages' templates and code (locale/ikke_offentlig.txt lists what
it leaves out). Of the models it keeps only the choice labels a page shows (status, fagområde,
where the referral goes, what is wrong in «Meld feil»): field names are the admin's, in bokmål.
Then msgfmt compiles the .mo files, which are committed (tests/test_sprak.py checks that they
match the .po files), so a fresh clone and the Dockerfile need no gettext tools.
"""

import inspect
import os
import pkgutil
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
SPRAK = ("nn", "en")


def _valgetiketter() -> set[str]:
    import django
    from django.db import models
    from django.utils import translation

    django.setup()
    import tilbud.models

    etiketter: set[str] = set()
    for modul in pkgutil.iter_modules(tilbud.models.__path__):
        ns = import_module(f"tilbud.models.{modul.name}")
        kandidater = list(vars(ns).values())
        for klasse in list(kandidater):
            if inspect.isclass(klasse) and issubclass(klasse, models.Model):
                kandidater.extend(vars(klasse).values())
        for valg in kandidater:
            if inspect.isclass(valg) and issubclass(valg, models.Choices):
                # Bokmål is the source language: its labels are the msgids.
                with translation.override("nb"):
                    etiketter.update(str(etikett) for etikett in valg.labels)
    # Model texts a public page shows besides choice labels: the waiting-time definition.
    from tilbud.models.ventetid import DEFINISJON

    with translation.override("nb"):
        etiketter.add(str(DEFINISJON))
    return etiketter


def _msgid(blokk: str) -> str:
    linjer = blokk.split("\n")
    start = next(i for i, linje in enumerate(linjer) if linje.startswith("msgid "))
    deler = []
    for linje in linjer[start:]:
        if linje.startswith(("msgid_plural", "msgstr")):
            break
        deler.append(re.sub(r'^(msgid )?"(.*)"$', r"\2", linje))
    return "".join(deler).replace('\\"', '"')


def _bare_offentlige(po: Path, etiketter: set[str]) -> None:
    """Drops the entries whose only sources are model files, unless a choice label."""
    blokker = po.read_text(encoding="utf-8").split("\n\n")
    beholdt = [blokker[0]]
    for blokk in blokker[1:]:
        kilder = [
            k.rsplit(":", 1)[0]
            for linje in blokk.split("\n")
            if linje.startswith("#: ")
            for k in linje[3:].split()
        ]
        fra_modeller = kilder and all(k.startswith("tilbud/models/") for k in kilder)
        if fra_modeller and _msgid(blokk) not in etiketter:
            continue
        beholdt.append(blokk)
    po.write_text("\n\n".join(beholdt), encoding="utf-8")


def main() -> None:
    os.chdir(ROT)
    sys.path.insert(0, str(ROT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.test")
    ignorer = [
        f"--ignore={linje.strip()}"
        for linje in (ROT / "locale/ikke_offentlig.txt").read_text().splitlines()
        if linje.strip() and not linje.startswith("#")
    ]
    sprak = [f"-l{s}" for s in SPRAK]
    makemessages = [sys.executable, "manage.py", "makemessages", *sprak, "--no-obsolete"]
    # Our own arguments, no user input; file-only locations keep the diffs small.
    subprocess.run([*makemessages, "--add-location=file", *ignorer], check=True)  # noqa: S603
    etiketter = _valgetiketter()
    for s in SPRAK:
        po = ROT / f"locale/{s}/LC_MESSAGES/django.po"
        _bare_offentlige(po, etiketter)
        mo = str(po.with_suffix(".mo"))
        subprocess.run(["msgfmt", "--check", "-o", mo, str(po)], check=True)  # noqa: S603, S607


if __name__ == "__main__":
    main()
