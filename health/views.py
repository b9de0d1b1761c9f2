"""The probes. health.middleware answers these paths first, before host validation and the HTTPS redirect;
the URL patterns exist too, so ``reverse()`` works and the views still answer if the middleware is removed."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import FAIL, OK, database_reachable, health_report


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@never_cache
def live_view(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers. Touches neither the database nor Redis."""
    return _json({"status": OK})


@require_safe
@never_cache
def ready_view(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, else 503. Redis is not asked: pages work without it."""
    ok = database_reachable()
    return _json({"status": OK if ok else FAIL, "database": OK if ok else FAIL}, status=200 if ok else 503)


@require_safe
@never_cache
def report_view(request: HttpRequest) -> JsonResponse:
    """Every component's status and numbers, for alerting. Always 200: the verdict is in ``status``."""
    return _json(health_report().as_json())
