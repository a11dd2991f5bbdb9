"""ETag / If-None-Match for DRF GET views.

The ETag is a hash of the rendered body, so it changes exactly when the bytes do: a renamed
organisation or a new format changes it too, which a tag built from `endret` would miss. A 304
saves the transfer and the client's work, not our queries; that is the trade for never being
wrong.
"""

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from rest_framework.request import Request
from rest_framework.response import Response


def innholds_etag(innhold: bytes) -> str:
    return f'"{hashlib.sha256(innhold).hexdigest()[:40]}"'


class BetingetGetMixin:
    """Add to an APIView/ViewSet: successful GET/HEAD responses get an ETag, and a matching
    If-None-Match gives 304 Not Modified."""

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not isinstance(response, Response)
        ):
            return response
        response.render()
        etag = innholds_etag(response.content)
        response["ETag"] = etag
        django_request: HttpRequest = request._request
        return get_conditional_response(django_request, etag=etag, response=response)
