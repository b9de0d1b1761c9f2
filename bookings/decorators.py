from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from . import selectors


def participant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One of the two people of the booking in the URL: signed in (else the login page), and the
    booking's seeker or supporter (else 404, so nobody learns that it exists).

    Sets ``request.booking`` (with both people and the slot loaded)."""

    @wraps(view)
    def wrapper(request: HttpRequest, booking_id: int, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.booking = get_object_or_404(
            selectors.booking_list_for_participant(user=request.user), pk=booking_id
        )
        return view(request, booking_id, *args, **kwargs)

    return wrapper
