"""Encrypt the health free text already in the database (finding 5 of issue 15): the columns
0003 made encrypted fields. Raw SQL, not the models: the fields would encrypt or decrypt on their
own. Reversible (the reverse decrypts to plain text again, and needs the key).

Before anything is written, the key is checked against a name already encrypted in the database,
so that a wrong key cannot encrypt the free text into something nobody can read. The check value
(Nokkelsjekk) is created with the key that passed."""

from django.db import migrations

# table -> columns, as 0003 left them.
KOLONNER = {
    "henvisning_henvisning": [
        "sporsmal", "arbeidssituasjon", "arbeidsgiverkontakt", "nav_kontakt", "begrunnelse",
        "diagnosekoder",
    ],
    "henvisning_statusendring": ["begrunnelse"],
    "henvisning_foresporsel": ["sporsmal", "svar"],
}  # fmt: skip
PARTI = 500


def _rader(cursor, tabell: str, kolonne: str):
    sist = 0
    while True:
        cursor.execute(
            f'SELECT id, "{kolonne}" FROM {tabell} WHERE id > %s ORDER BY id LIMIT %s',  # noqa: S608
            [sist, PARTI],
        )
        rader = cursor.fetchall()
        if not rader:
            return
        yield rader
        sist = rader[-1][0]


def _er_token(mf, verdi: str) -> bool:
    from cryptography.fernet import InvalidToken

    try:
        mf.decrypt(verdi.encode())
    except InvalidToken:
        return False
    return True


def _har_innhold(cursor) -> bool:
    for tabell, kolonner in KOLONNER.items():
        vilkar = " OR ".join(f"(\"{k}\" <> '' AND \"{k}\" <> '[]')" for k in kolonner)
        cursor.execute(f"SELECT 1 FROM {tabell} WHERE {vilkar} LIMIT 1")  # noqa: S608
        if cursor.fetchone():
            return True
    return False


def krypter(apps, schema_editor):
    from henvisning import krypto

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT navn_kryptert FROM henvisning_henvisning WHERE navn_kryptert <> '' "
            "ORDER BY id DESC LIMIT 1"
        )
        navn = cursor.fetchone()
        if not navn and not _har_innhold(cursor):
            return  # nothing to encrypt: the check value is made on first use
        mf = krypto.fernet()
        if navn and not _er_token(mf, navn[0]):
            raise krypto.Nokkelfeil(
                "HENVISNING_NOKKEL passer ikke til navnene som alt er kryptert i databasen: "
                "fritekstene krypteres ikke med en feil nøkkel. Sett riktig nøkkel og migrer igjen."
            )
        cursor.execute("SELECT 1 FROM henvisning_nokkelsjekk WHERE id = 1")
        if not cursor.fetchone():
            from django.utils import timezone

            cursor.execute(
                "INSERT INTO henvisning_nokkelsjekk (id, token, endret) VALUES (1, %s, %s)",
                [mf.encrypt(krypto.SJEKKVERDI).decode(), timezone.now()],
            )
        for tabell, kolonner in KOLONNER.items():
            for kolonne in kolonner:
                for rader in _rader(cursor, tabell, kolonne):
                    for pk, verdi in rader:
                        if not verdi or verdi == "[]" or _er_token(mf, verdi):
                            ny = "" if verdi == "[]" else verdi
                        else:
                            ny = mf.encrypt(verdi.encode()).decode()
                        if ny != verdi:
                            cursor.execute(
                                f'UPDATE {tabell} SET "{kolonne}" = %s WHERE id = %s',  # noqa: S608
                                [ny, pk],
                            )


def dekrypter(apps, schema_editor):
    from henvisning import krypto

    with schema_editor.connection.cursor() as cursor:
        if not _har_innhold(cursor):
            tomme = True
        else:
            tomme = False
            mf = krypto.fernet()
        for tabell, kolonner in KOLONNER.items():
            for kolonne in kolonner:
                for rader in _rader(cursor, tabell, kolonne):
                    for pk, verdi in rader:
                        if kolonne == "diagnosekoder" and not verdi:
                            ny = "[]"  # back to a jsonb column: "" is not JSON
                        elif verdi and not tomme:
                            ny = mf.decrypt(verdi.encode()).decode()
                        else:
                            ny = verdi
                        if ny != verdi:
                            cursor.execute(
                                f'UPDATE {tabell} SET "{kolonne}" = %s WHERE id = %s',  # noqa: S608
                                [ny, pk],
                            )


class Migration(migrations.Migration):
    dependencies = [("henvisning", "0003_krypter_fritekst")]

    operations = [migrations.RunPython(krypter, dekrypter)]
