"""A read-only FHIR R4 care-services directory (IHE mCSD) at /fhir/: Organization, Location,
HealthcareService and Endpoint, ITI-90 search and ITI-91 history (README «FHIR-katalogen»)."""
