"""What safety adds to the session page (registered with bookings.panels in SafetyConfig.ready())."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.template.loader import render_to_string

from bookings.models import Booking

from . import backup_selectors
from .report_forms import BackupForm
from .services import backup_window_open


def session_panel(request: HttpRequest, booking, now: dt.datetime) -> str:
    """For the booking's supporter only: "Get backup now" during the session and for an hour after it
    (or a link to the request already open), and the way to file a mandatory report."""
    if booking.supporter.user_id != request.user.pk:
        return ""
    window = backup_window_open(booking, now)
    open_request = backup_selectors.backup_request_open_for_booking(booking=booking) if window else None
    return render_to_string(
        "safety/_session_panel.html",
        {"booking": booking, "window": window, "open_request": open_request, "form": BackupForm()},
        request=request,
    )


def conversation_panel(request: HttpRequest, conversation, now: dt.datetime) -> str:
    """For the conversation's supporter only: file a mandatory report about this seeker, with their latest
    session with this supporter chosen in the form (a report is tied to a session)."""
    if conversation.supporter.user_id != request.user.pk:
        return ""
    latest = (
        Booking.objects.filter(supporter_id=conversation.supporter_id, seeker_id=conversation.seeker_id)
        .order_by("-start")
        .values_list("pk", flat=True)
        .first()
    )
    return render_to_string("safety/_conversation_panel.html", {"booking_id": latest}, request=request)
