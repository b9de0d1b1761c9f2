"""One URL serves a whole page or, to htmx, the fragment it swaps in; a successful POST redirects
(a client redirect when htmx sent it). Every form also works without JavaScript."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request, except a history restore (back button after htmx pushed a URL): that needs
    the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(
    request: HttpRequest, template: str, fragment: str, context: dict, *, status: int | None = None
) -> HttpResponse:
    """Render ``template`` or, for htmx, its ``{% partialdef fragment %}``. ``Vary: HX-Request`` keeps
    the two apart in every cache."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_page(request: HttpRequest, to: str, *args, **kwargs) -> HttpResponse:
    """Send the browser to another page: after a successful POST (post/redirect/get), or when a
    request must leave the page (a login). ``to`` is a URL or a URL name with its args. htmx gets a
    client redirect, so the whole next page loads instead of landing inside a fragment."""
    url = resolve_url(to, *args, **kwargs)
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else HttpResponseRedirect(url)
