"""The waitlist's one email: a time opened and is held for you. It says who and when, and links back to
the site; nothing else about the seeker."""

from django.conf import settings
from django.urls import reverse

from accounts.timezones import format_when
from notifications.services import Email, notification_queue

from .models import WaitlistOffer


def email_time_held(offer: WaitlistOffer) -> None:
    """To the seeker: a time with the supporter opened, held for them until the hold ends; book it or
    leave the list. One outbox row per offer."""
    from .services import leave_token  # services import this module

    user = offer.entry.seeker.user
    supporter = offer.entry.supporter.display_name
    subject = f"A time with {supporter} is free"
    lines = [
        f"A time you asked about is free: {format_when(offer.slot.start, user.tzinfo)}, with {supporter}.",
        f"We're holding it for you until {format_when(offer.expires_at, user.tzinfo)}. "
        "Nobody else can book it until then; after that it goes to the next person waiting.",
        "Not looking any more? Leave the list with one click: "
        + settings.SITE_URL
        + reverse("waitlist:leave_link", args=[leave_token(offer.entry)]),
    ]
    notification_queue(
        Email(
            key=f"waitlist-offer-{offer.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": lines,
                "action_label": "Book this time",
                "action_url": settings.SITE_URL + reverse("bookings:request", args=[offer.slot_id]),
            },
        )
    )
