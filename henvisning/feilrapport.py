"""Error reports without personal data. A request to a referral page or the referral API carries
fødselsnummer, name and health data in its POST body and in the local variables of every frame
that handles it; Django's error report (the DEBUG page, and the e-mail to ADMINS in production)
shows both. For those requests this filter hides every POST parameter and every frame variable,
whatever DEBUG says. One place, so a new view or service cannot forget it."""

from functools import cache
from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter


@cache
def _prefikser() -> tuple[str, ...]:
    return (reverse("henvisning:mine"), reverse("henvisning-api:liste"))


def gjelder_henvisning(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(_prefikser())


class PersonvernFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if gjelder_henvisning(request):
            return dict.fromkeys(request.POST, self.cleansed_substitute)
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> Any:
        if gjelder_henvisning(request):
            return [(navn, self.cleansed_substitute) for navn in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
