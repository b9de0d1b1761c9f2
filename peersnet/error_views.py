"""Error pages in our own voice, each with the crisis line, the header and a way home.

400, 403 and 404 use Django's own handlers with our templates (they render with the request, so the
header knows who is signed in). Two need a view of ours:

- a refused form (CSRF) explains calmly that the page was open too long, instead of Django's
  technical page (``CSRF_FAILURE_VIEW``);
- the 500 page must render when nothing else works, the database included: it is rendered without
  the request, so no context processor runs and nothing queries (the header shows its signed-out
  links, which need no lookup).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _site_constants() -> dict:
    """What every page shows, read from settings only (the same names as the ``site`` context processor)."""
    return {
        "CRISIS_LINE": settings.CRISIS_LINE,
        "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER,
        "SUPPORT_HOURS": settings.SUPPORT_HOURS,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was refused because its security token was missing or stale (``CSRF_FAILURE_VIEW``).

    Nothing was saved. Django has already logged the technical reason (``django.security.csrf``); the
    page never shows it.
    """
    return render(request, "403_csrf.html", {"title": "This page was open too long"}, status=403)


def server_error_view(request: HttpRequest) -> HttpResponse:
    """``handler500``: our 500 page with no database, no session and no context processors."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"title": "Something went wrong", **_site_constants()}))
