"""The coordinator area (HTML): «Mine tilbud», edit forms, proposals and error-report queues."""
