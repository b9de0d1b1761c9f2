"""Who may open workforce's staff pages: active staff in a role, with two-factor turned on. Anyone else
gets a 404 (the page doesn't confirm it exists)."""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from privacy.roles import has_role


def role_required(role: str) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if not has_role(request.user, role):
                raise Http404
            if not is_mfa_enabled(request.user):
                messages.info(request, "Staff pages need two-factor authentication. Please turn it on first.")
                return redirect("mfa_index")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
