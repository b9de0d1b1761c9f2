from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.ready_view,
    "/healthz/live": views.live_view,
    "/healthz/report": views.report_view,
}


class HealthProbeMiddleware:
    """Answers the health probes before any other middleware. Must be first in ``MIDDLEWARE``.

    Load balancers and orchestrators probe each web process directly: over plain HTTP, with the
    process's own address as Host. Answered here, a probe never reaches ``SecurityMiddleware`` (no
    redirect to HTTPS) nor ``CommonMiddleware``'s host validation (no DisallowedHost error and traceback
    logged per probe), and opens no session. The probes return only statuses and numbers, never a URL
    built from the Host header, so answering them for any host is safe.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is None:
            return self.get_response(request)
        return probe(request)
