from urllib.parse import unquote

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .timezones import is_valid_timezone

TZ_COOKIE = "tz"


class TimezoneMiddleware:
    """Shows every page in the viewer's zone: the account's zone, else the browser's (``tz`` cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = None
        if request.user.is_authenticated:
            name = request.user.time_zone
        if not name or not is_valid_timezone(name):
            name = unquote(request.COOKIES.get(TZ_COOKIE, ""))[:64]
        if not is_valid_timezone(name):
            name = settings.DEFAULT_USER_TIME_ZONE
        request.timezone_name = name
        timezone.activate(name)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class NoStoreForAuthenticatedMiddleware:
    """Pages seen while signed in are never kept by browsers or shared caches. They also always carry the
    CSRF cookie, which site.js sends with htmx requests (signed-out pages set it only where a form is)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            get_token(request)  # CsrfViewMiddleware, above us, sets the cookie on the way out
        return response
