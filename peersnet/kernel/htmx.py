"""One URL serves a whole page or, to htmx, the fragment it swaps in; a successful POST redirects
(a client redirect when htmx sent it). Every form also works without JavaScript."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
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


REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HtmxSignInMiddleware:
    """An htmx request that meets "please sign in" (``login_required``'s redirect to the sign-in page)
    would follow that redirect inside XMLHttpRequest and swap the whole sign-in page into the fragment
    it was asking for: the sign-in page inside a message thread, or in place of the message box. Instead:

    - a GET (an open thread's or the safety queue's polling, a filter, "Next page") gets a client
      redirect: the whole window goes to the sign-in page, and comes back to the page it was on (the
      private page is not left on screen for whoever comes next);
    - anything else (a message sent, a form saved) gets 401 and nothing else: site.js says so above the
      form, and what the person wrote stays in it.

    Listed after django-htmx's middleware, which tells it the request is htmx and which page it came
    from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A client redirect (HttpResponseClientRedirect: 200 and HX-Redirect) is already what htmx needs.
        if not getattr(request, "htmx", False) or response.status_code not in REDIRECTS:
            return response
        location = urlsplit(response["Location"])
        if location.netloc or location.path != resolve_url(settings.LOGIN_URL):
            return response
        if request.method != "GET":
            # The words are in templates/includes/request_problem.html (data-signed-out).
            response = HttpResponse("Signed out.", status=401, content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        page = request.htmx.current_url_abs_path  # None when it isn't one of ours
        return HttpResponseClientRedirect(redirect_to_login(page).url if page else location.path)
