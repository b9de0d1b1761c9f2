"""Site-wide views: the public pages and the health check."""

import logging

import redis
from django.conf import settings
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# URL name -> (path, title). The template is pages/<name>.html; the URL name is "pages:<name>".
PAGES: dict[str, tuple[str, str]] = {
    "how_it_works": ("how-it-works/", "How it works"),
    "pricing": ("pricing/", "Pricing"),
    "faq": ("faq/", "Questions from seekers"),
    "faq_supporters": ("faq/supporters/", "Questions from supporters"),
    "faq_gifts": ("faq/gifts/", "Questions about gift sessions"),
    "become_a_supporter": ("become-a-supporter/", "Become a peer supporter"),
    "crisis": ("crisis/", "Crisis resources"),
    "contact": ("contact/", "Contact us"),
    "privacy": ("privacy/", "Privacy"),
    "terms": ("terms/", "Terms of use"),
}


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"title": "Peer support from people who have been there"})


@require_GET
def page_view(request: HttpRequest, name: str) -> HttpResponse:
    if name not in PAGES:
        raise Http404
    return render(request, f"pages/{name}.html", {"title": PAGES[name][1]})


@require_GET
@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Database (and Redis when configured) reachable: 200, else 503. Says nothing else about the system."""
    checks: dict[str, str] = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("healthz: database unreachable")
        checks["database"] = "down"
    if settings.REDIS_URL:
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            client.ping()
            client.close()
            checks["redis"] = "ok"
        except redis.RedisError:
            logger.warning("healthz: redis unreachable", exc_info=True)
            checks["redis"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)
