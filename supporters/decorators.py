from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from peersnet.kernel.htmx import redirect_page

from .models import SupporterProfile

MFA_MESSAGE = "Supporters protect seekers' privacy with two-factor authentication. Set it up to continue."


def supporter_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The signed-in supporter's own pages: login, a supporter profile (else 404) and MFA turned on.

    Sets ``request.supporter``. An htmx request is sent on with a client redirect, so a login or
    MFA page never lands inside a fragment of the page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        htmx = getattr(request, "htmx", False)
        if not request.user.is_authenticated:
            if htmx:
                response = redirect_to_login(htmx.current_url_abs_path or request.get_full_path())
                return redirect_page(request, response.url)
            return redirect_to_login(request.get_full_path())
        try:
            supporter = request.user.supporter
        except SupporterProfile.DoesNotExist:
            raise Http404 from None
        if not is_mfa_enabled(request.user):
            messages.info(request, MFA_MESSAGE)
            return redirect_page(request, "mfa_activate_totp")
        request.supporter = supporter
        return view(request, *args, **kwargs)

    return wrapper
