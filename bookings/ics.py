"""Calendar invites for bookings (RFC 5545, made with icalendar).

The UID is stable for the life of a booking; SEQUENCE grows with every reschedule; a cancelled
booking is sent with METHOD:CANCEL so calendars remove the event.
"""

import datetime as dt
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking


def booking_uid(booking: Booking) -> str:
    host = urlparse(settings.SITE_URL).hostname or "peersnet"
    return f"booking-{booking.pk}@{host}"


def booking_ics(booking: Booking, *, cancel: bool = False, for_supporter: bool = False) -> str:
    """The invite as text. Carries no intake answers or messages: only the time, names and the video link."""
    calendar = Calendar()
    calendar.add("prodid", "-//peersnet//bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.ics_sequence + (1 if cancel else 0))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    other = booking.seeker.user.get_short_name() if for_supporter else booking.supporter.display_name
    event.add("summary", f"peersnet session with {other}")
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if not cancel:
        event.add("location", vText(booking.video_url))
        event.add(
            "description",
            f"Join your video session: {booking.video_url}\n"
            f"Your booking: {settings.SITE_URL}/sessions/{booking.pk}/\n"
            f"In crisis? Call or text {settings.CRISIS_LINE}. Emergency: {settings.EMERGENCY_NUMBER}.",
        )
    organizer = vCalAddress(f"mailto:{settings.SUPPORT_EMAIL}")
    organizer.params["cn"] = vText("peersnet")
    event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical().decode()
