"""Key rotation: re-encrypt every encrypted column of every referral row, and the check value,
with the newest key in HENVISNING_NOKKEL (`manage.py roter_henvisningsnokkel`).

Works on the Fernet tokens themselves (MultiFernet.rotate: decrypt with any configured key,
encrypt with the newest), so the plain text is never handled here. In batches by id, each batch
in its own transaction with its rows locked (a referral changed meanwhile is not overwritten by a
stale token). Idempotent and resumable: a value the newest key already decrypts is skipped, so
a run that stopped half-way is finished by running it again. The check value is rotated last,
and only when every value could be read."""

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.db import connection, transaction

from . import krypto
from .models import Nokkelsjekk, krypterte_kolonner

PARTI = 500


@dataclass
class Rotasjon:
    rotert: int = 0  # values re-encrypted now
    allerede_nye: int = 0  # values the newest key already had
    rader: int = 0
    uleselige: list[tuple[str, int, str]] = field(default_factory=list)  # (table, id, column)


def roter(*, parti: int = PARTI, skriv: Callable[[str], None] = lambda _: None) -> Rotasjon:
    krypto.glem_kontroll()
    krypto.kontroller_mot_databasen()  # the keys must fit the data before anything is rewritten
    mf = krypto.fernet()
    nyeste = krypto.nyeste()
    resultat = Rotasjon()
    q = connection.ops.quote_name

    def er_ny(token: str) -> bool:
        try:
            nyeste.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    for modell, kolonner in krypterte_kolonner():
        tabell = modell._meta.db_table
        totalt = modell.objects.count()
        sist, ferdig = 0, 0
        while True:
            with transaction.atomic():
                ider = list(
                    modell.objects.select_for_update()
                    .filter(pk__gt=sist)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:parti]
                )
                if not ider:
                    break
                plass = ", ".join(["%s"] * len(ider))
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT id, {', '.join(q(k) for k in kolonner)} FROM {q(tabell)} "  # noqa: S608
                        f"WHERE id IN ({plass})",
                        ider,
                    )
                    for pk, *verdier in cursor.fetchall():
                        nye: dict[str, str] = {}
                        for kolonne, verdi in zip(kolonner, verdier, strict=True):
                            if not verdi:
                                continue
                            if er_ny(verdi):
                                resultat.allerede_nye += 1
                                continue
                            try:
                                nye[kolonne] = mf.rotate(verdi.encode()).decode()
                            except InvalidToken:
                                resultat.uleselige.append((tabell, pk, kolonne))
                        if nye:
                            sett = ", ".join(f"{q(k)} = %s" for k in nye)
                            cursor.execute(
                                f"UPDATE {q(tabell)} SET {sett} WHERE id = %s",  # noqa: S608
                                [*nye.values(), pk],
                            )
                            resultat.rotert += len(nye)
            sist = ider[-1]
            ferdig += len(ider)
            resultat.rader += len(ider)
            skriv(f"{tabell}: {ferdig}/{totalt} rader")
    if not resultat.uleselige:
        with transaction.atomic():
            rad = Nokkelsjekk.objects.select_for_update().get(pk=1)
            if not er_ny(rad.token):
                rad.token = mf.rotate(rad.token.encode()).decode()
                rad.save(update_fields=["token", "endret"])
        krypto.glem_kontroll()
    return resultat
