"""The "busy, please try again" page (README "Operations", "Timeouts").

A request that waited too long on something shared answers a calm 503 with ``Retry-After`` instead of a
500: a row lock held elsewhere (PostgreSQL ``lock_timeout``, SQLSTATE 55P03), a statement past
``statement_timeout`` (57014), SQLite's "database is locked" in development, or a dependency that timed out
or could not be reached (``DependencyUnavailable``: Stripe, through payments.gateway). The service that
raised it was inside ``transaction.atomic``, so nothing was half done: its transaction rolled back.
"""

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

from peersnet.error_views import _site_constants
from peersnet.kernel.errors import RETRY_AFTER_SECONDS, DependencyUnavailable

logger = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATEs for "waited too long": lock_not_available, query_canceled (statement_timeout).
BUSY_SQLSTATES = {"55P03": "lock timeout", "57014": "statement timeout"}


def busy_reason(exc: BaseException) -> str | None:
    """Why ``exc`` means "busy, try again" (for the log), or None when it is some other error."""
    if isinstance(exc, DependencyUnavailable):
        return f"dependency unavailable ({type(exc).__name__})"
    if isinstance(exc, OperationalError):
        cause = exc.__cause__
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if sqlstate in BUSY_SQLSTATES:
            return BUSY_SQLSTATES[sqlstate]
        if "database is locked" in str(exc):  # SQLite (development)
            return "database locked"
    return None


def busy_response() -> HttpResponse:
    """The busy page, rendered like the 500 page: no request context, so it needs no database."""
    template = loader.get_template("503_busy.html")
    response = HttpResponse(
        template.render({"title": "We're busy", **_site_constants()}),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyMiddleware:
    """Turns a timeout or an unreachable dependency in a view into the busy page (503, Retry-After)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = busy_reason(exception)
        if reason is None:
            return None
        match = getattr(request, "resolver_match", None)
        logger.warning(
            "busy page (%s) for %s %s", reason, request.method, match.view_name if match else "unknown view"
        )
        return busy_response()
