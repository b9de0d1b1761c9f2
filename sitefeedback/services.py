"""Writes for site feedback."""

from django.db import transaction

from .models import SiteFeedback


@transaction.atomic
def feedback_create(*, what: str, email: str = "", user=None) -> SiteFeedback:
    """Keep one message from the footer's form for staff. ``user`` when signed in."""
    return SiteFeedback.objects.create(
        what=what.strip()[:2000],
        email=email.strip(),
        user=user if getattr(user, "is_authenticated", False) else None,
    )
