"""Public pages a shared cache (a CDN, a caching proxy) may keep; every other page it may not.

A view that shows the same thing to every signed-out visitor opts in with :func:`public_page`. The
response is only *marked*: :class:`PublicCacheMiddleware`, which sits above the session, CSRF and
message middlewares and so sees the response after they have added their cookies, decides at the very
end. A marked response becomes ``Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE`` with an ETag
(a matching ``If-None-Match`` gets a 304) and ``Vary: Cookie`` only when all of these hold:

- a GET or HEAD answered 200;
- the visitor is signed out and sent no session cookie (nothing of theirs can be on the page);
- the response sets no cookie at all (a CSRF token, a session, a message being cleared);
- the view set no ``Cache-Control`` of its own.

Anything else that was marked gets ``Cache-Control: private, no-cache``; signed-in responses keep the
``no-store`` that ``accounts.middleware.NoStoreForAuthenticatedMiddleware`` gives them. ``Vary: Cookie``
matters: the ``tz`` cookie that our script sets changes the times on the page, so a shared cache keeps
one copy per cookie header (in practice: per time zone for visitors without other cookies).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

_MARK = "_peersnet_public_page"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view's responses as the same for every signed-out visitor (see the module docstring). The
    view must read nothing of the visitor but the request's URL and the ``tz`` cookie."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, _MARK, True)
        return response

    return wrapped


def is_shared_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a marked response may be kept by a shared cache (the rules in the module docstring)."""
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not (user is not None and user.is_authenticated)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


class PublicCacheMiddleware:
    """Finishes what :func:`public_page` marked: shared-cacheable with an ETag, or private. Must come
    before SessionMiddleware, CsrfViewMiddleware and MessageMiddleware in ``MIDDLEWARE``, so that it sees
    the cookies they add on the way out. It reads ``request.user``, which AuthenticationMiddleware (further
    down the list) has set on the request by the time the response comes back up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(response, _MARK, False):
            return response
        if not is_shared_cacheable(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        if not response.has_header("ETag"):
            set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
