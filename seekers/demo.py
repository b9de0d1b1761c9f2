"""Demo seekers for `manage.py seed_demo`. Idempotent: reruns find what exists and change nothing."""

from django.db import transaction
from django.utils import timezone

from accounts.demo import verified_user

from .services import seeker_profile_create

DEMO_SEEKERS = [
    ("maya@peersnet.example", "Maya", "America/Los_Angeles", (2001, 4, 27)),
    ("jordan@peersnet.example", "Jordan", "America/New_York", (1999, 11, 2)),
    ("sam@peersnet.example", "Sam", "Europe/London", (2004, 1, 15)),
]


@transaction.atomic
def seed_seekers() -> list[str]:
    """Three seekers with verified logins. Returns the line naming them."""
    for email, name, tz, (y, m, d) in DEMO_SEEKERS:
        user, _ = verified_user(
            email,
            first_name=name,
            time_zone=tz,
            date_of_birth=timezone.datetime(y, m, d).date(),
            terms_accepted_at=timezone.now(),
        )
        seeker_profile_create(user=user)
    return ["Seekers: " + ", ".join(email for email, *_ in DEMO_SEEKERS)]
