"""A referral as FHIR R4 resources: a ServiceRequest (what is asked) and a Task (where it stands),
in a Bundle of type «collection». Status words follow FHIR Task/ServiceRequest; the portal's own
status is kept as Task.businessStatus."""

from typing import Any

from . import his1206
from .models import Henvisning

FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"
KODEVERK_SYSTEM = {
    "ICPC2": "urn:oid:2.16.578.1.12.4.1.1.7170",
    "ICD10": "urn:oid:2.16.578.1.12.4.1.1.7110",
}
STATUS_SYSTEM = "https://helsearbeid.no/fhir/CodeSystem/henvisningsstatus"
# Helsenorge's rendering of HIS 1206 (NorskHelsenett/FHIRCodeAndMore, ExampleIG): the status
# as a business status, and the referral's dates as extensions.
BUSINESS_STATUS_URL = "http://helsenorge.no/fhir/StructureDefinition/businessstatus"
DATO_URL = {
    "ansiennitetsdato": "http://helsenorge.no/fhir/StructureDefinition/no-ansiennitets-dato",
    "mottatt_dato": "http://helsenorge.no/fhir/StructureDefinition/no-mottatt-dato",
    "frist_vurdering": "http://helsenorge.no/fhir/StructureDefinition/no-frist-for-vurdering",
    "frist_helsehjelp": "http://helsenorge.no/fhir/StructureDefinition/no-frist-for-helsehjelp",
    # Helsenorge names vurdertDato without publishing its URL; ours, in the same pattern.
    "vurdert_dato": "https://helsearbeid.no/fhir/StructureDefinition/no-vurdert-dato",
}

_TASK_STATUS = {
    "utkast": "draft",
    "sendt": "requested",
    "mottatt": "received",
    "venter": "accepted",
    "startet": "in-progress",
    "avsluttet": "completed",
    "trukket": "cancelled",
    "avvist": "rejected",
}
_VURDERT = {"rett": "accepted", "ikke_rett": "rejected", "videresendt": "completed"}


def task_status(h: Henvisning) -> str:
    if h.status == "vurdert":
        return _VURDERT.get(h.utfall, "received")
    return _TASK_STATUS[h.status]


def service_request_status(h: Henvisning) -> str:
    if h.status == "utkast":
        return "draft"
    if h.status in {"trukket", "avvist"} or h.utfall == "ikke_rett":
        return "revoked"
    if h.status == "avsluttet" or h.utfall == "videresendt":
        return "completed"
    return "active"


def _pasient(h: Henvisning) -> dict[str, Any]:
    if not h.fodselsnummer_kryptert:
        return {"display": "Pasient (personopplysninger slettet)"}
    nummer = h.fodselsnummer
    system = DNR_SYSTEM if int(nummer[0]) >= 4 else FNR_SYSTEM
    return {"identifier": {"system": system, "value": nummer}, "display": h.navn}


def _organisasjon(org: Any) -> dict[str, Any]:
    ref: dict[str, Any] = {"display": org.navn}
    if org.organisasjonsnummer:
        ref["identifier"] = {"system": ORGNR_SYSTEM, "value": org.organisasjonsnummer}
    return ref


def business_status(h: Henvisning) -> dict[str, Any]:
    """The HIS 1206 code first (when the state has one), then our own richer state."""
    nasjonal = his1206.status_for(h)
    koding = []
    if nasjonal["kode"]:
        koding.append(
            {"system": his1206.KODESYSTEM, "code": nasjonal["kode"], "display": nasjonal["navn"]}
        )
    koding.append({"system": STATUS_SYSTEM, "code": h.status})
    return {"coding": koding, "text": nasjonal["navn"] or h.get_status_display()}


def dato_utvidelser(h: Henvisning) -> list[dict[str, Any]]:
    """The HIS 1206 dates that are set, as Helsenorge's extensions (valueDateTime)."""
    return [
        {"url": DATO_URL[navn], "valueDateTime": verdi.isoformat()}
        for navn, verdi in his1206.datoer(h).items()
        if verdi is not None
    ]


def fhir_bundle(h: Henvisning) -> dict[str, Any]:
    sr_id, task_id = f"henvisning-{h.pk}", f"henvisning-{h.pk}-task"
    status = business_status(h)
    pasient = _pasient(h)
    avsender = {"display": h.sender.get_full_name() or h.sender.get_username()}
    service_request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": sr_id,
        "extension": [{"url": BUSINESS_STATUS_URL, "valueCodeableConcept": status}],
        "status": service_request_status(h),
        "intent": "order",
        "subject": pasient,
        "requester": avsender,
        "performer": [_organisasjon(h.mottaker)],
        "authoredOn": (h.sendt or h.opprettet).isoformat(),
        "code": {"text": h.tilbud.navn},
    }
    koder = [
        {
            "coding": [
                {
                    "system": KODEVERK_SYSTEM.get(k["kodeverk"], k["kodeverk"]),
                    "code": k["kode"],
                    "display": k.get("tittel", ""),
                }
            ]
        }
        for k in h.diagnosekoder
    ]
    if koder:
        service_request["reasonCode"] = koder
    notater = [
        t for t in [h.sporsmal, h.arbeidssituasjon, h.arbeidsgiverkontakt, h.nav_kontakt] if t
    ]
    if notater:
        service_request["note"] = [{"text": t} for t in notater]
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id,
        "status": task_status(h),
        "businessStatus": status,
        "intent": "order",
        "focus": {"reference": f"urn:uuid:{_uuid(sr_id)}"},
        "for": pasient,
        "authoredOn": h.opprettet.isoformat(),
        "lastModified": h.endret.isoformat(),
        "requester": avsender,
        "owner": _organisasjon(h.mottaker),
    }
    if utvidelser := dato_utvidelser(h):
        task["extension"] = utvidelser
    if h.begrunnelse and task["status"] in {"rejected", "cancelled"}:
        task["statusReason"] = {"text": h.begrunnelse}
    if h.vurderingsfrist:
        task["restriction"] = {"period": {"end": h.vurderingsfrist.isoformat()}}
    if h.frist:
        task["output"] = [
            {"type": {"text": "frist for helsehjelp"}, "valueDate": h.frist.isoformat()}
        ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{_uuid(sr_id)}", "resource": service_request},
            {"fullUrl": f"urn:uuid:{_uuid(task_id)}", "resource": task},
        ],
    }


def _uuid(navn: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://helsearbeid.no/{navn}"))
