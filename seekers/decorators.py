from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import SeekerProfile
from .selectors import seeker_email_verified


def seeker_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, email confirmed, and a seeker (else 404). Sets ``request.seeker``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            seeker = request.user.seeker
        except SeekerProfile.DoesNotExist:
            raise Http404 from None
        if not seeker_email_verified(user=request.user):
            messages.info(request, "Please confirm your email address first: we sent you a link.")
            return redirect("account_email")
        request.seeker = seeker
        return view(request, *args, **kwargs)

    return wrapper
