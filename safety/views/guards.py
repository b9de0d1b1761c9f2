"""Who may open safety's supervisor pages: supervisors (and superusers) with two-factor authentication.
Anyone else signed in gets a 404 (the page doesn't confirm anything exists)."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from privacy.roles import is_supervisor


def supervisor_or_404(request: HttpRequest) -> HttpResponse | None:
    """None when the person may go on; a redirect (sign in, or turn on two-factor first); or Http404."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not is_supervisor(request.user):
        raise Http404
    if not is_mfa_enabled(request.user):
        messages.info(request, "Staff pages need two-factor authentication. Please turn it on first.")
        return redirect("mfa_index")
    return None
