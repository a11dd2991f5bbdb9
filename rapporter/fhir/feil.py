"""Errors as FHIR OperationOutcome."""

from typing import Any


class FhirFeil(Exception):
    """A request the directory cannot answer; the view turns it into an OperationOutcome."""

    def __init__(
        self, melding: str, *, status: int = 400, kode: str = "invalid", uttrykk: str = ""
    ) -> None:
        super().__init__(melding)
        self.melding = melding
        self.status = status
        self.kode = kode
        self.uttrykk = uttrykk


def operation_outcome(feil: list[FhirFeil], *, alvorlighet: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": alvorlighet,
                "code": f.kode,
                "diagnostics": f.melding,
                **({"expression": [f.uttrykk]} if f.uttrykk else {}),
            }
            for f in feil
        ],
    }
