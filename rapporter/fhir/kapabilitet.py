"""The CapabilityStatement at /fhir/metadata, made from the same tables the server answers from
(sok.TYPER, sok.parametere), so that it declares exactly what is implemented."""

from typing import Any

from django.conf import settings

from . import sok
from .historikk import MODELLER as HISTORIKKTYPER
from .ressurser import uten_tomme

_ITI_90 = "ITI-90 Find Matching Care Services (IHE mCSD)"


def kapabilitet(base: str) -> dict[str, Any]:
    ressurser: list[dict[str, Any]] = []
    for navn, type_ in sok.TYPER.items():
        interaksjoner = [
            {"code": "read"},
            {
                "code": "search-type",
                "documentation": f"{_ITI_90}; GET [type]?… eller POST [type]/_search.",
            },
        ]
        if settings.HISTORIKK_AKTIV and navn in HISTORIKKTYPER:
            interaksjoner.append(
                {"code": "history-instance", "documentation": "Én ressurs' versjoner."}
            )
            interaksjoner.append(
                {
                    "code": "history-type",
                    "documentation": "ITI-91 Request Care Services Updates: _history?_since=",
                }
            )
        ressurser.append(
            uten_tomme(
                {
                    "type": navn,
                    "supportedProfile": [type_.profil] if type_.profil else [],
                    "interaction": interaksjoner,
                    "versioning": "versioned",
                    "readHistory": False,
                    "searchInclude": sorted(type_.include),
                    "searchRevInclude": sorted(type_.revinclude),
                    "searchParam": [
                        {"name": p.navn, "type": p.type, "documentation": p.dokumentasjon}
                        for p in sok.parametere(type_).values()
                    ],
                }
            )
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-08",
        "publisher": "Helse og arbeid",
        "kind": "instance",
        "implementation": {"description": "Helse og arbeid: tilbudskatalogen (mCSD)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "instantiates": [
            "https://profiles.ihe.net/ITI/mCSD/CapabilityStatement/IHE.mCSD.CareServicesSelectiveSupplier"
        ],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Skrivebeskyttet. Ukjente søkeparametere: Prefer: handling=strict gir 400 "
                    "(OperationOutcome); ellers ignoreres de og står ikke i self-lenken. "
                    "Kjedet søk: "
                    + "; ".join(
                        f"{t}: {ref}.<parameter for {maal}>"
                        for t, kjeder in sok.KJEDER.items()
                        for ref, (maal, _kolonne) in kjeder.items()
                    )
                    + ". Resultatparametere: "
                    + "; ".join(f"{k}: {v}" for k, v in sok.RESULTATPARAMETERE.items())
                ),
                "resource": ressurser,
            }
        ],
    }
