"""Who may open a safety page: the supporter it belongs to, or a supervisor (with two-factor turned on)."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from peersnet.kernel.htmx import redirect_page
from privacy.roles import is_supervisor
from supporters.models import SupporterProfile

MFA_MESSAGE = "This page needs two-factor authentication. Please turn it on first."


def supervisor_gate(request: HttpRequest) -> HttpResponse | None:
    """None when ``request.user`` is a supervisor with MFA on; a login or MFA redirect; else Http404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_supervisor(request.user):
        raise Http404
    if not is_mfa_enabled(request.user):
        messages.info(request, MFA_MESSAGE)
        return redirect_page(request, "mfa_activate_totp")
    return None


def reader_gate(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """("supervisor" | "supporter", None), or ("", a redirect to log in or turn on MFA). Anyone who is
    neither a supervisor nor a supporter: Http404 (the page's object decides the rest)."""
    if not request.user.is_authenticated:
        return "", redirect_to_login(request.get_full_path())
    if is_supervisor(request.user):
        kind = "supervisor"
    else:
        try:
            request.supporter = request.user.supporter
        except SupporterProfile.DoesNotExist:
            raise Http404 from None
        kind = "supporter"
    if not is_mfa_enabled(request.user):
        messages.info(request, MFA_MESSAGE)
        return "", redirect_page(request, "mfa_activate_totp")
    return kind, None
