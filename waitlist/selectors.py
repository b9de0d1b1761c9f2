"""Named reads for the waitlist pages."""

from django.db.models import Prefetch, QuerySet

from seekers.models import SeekerProfile

from .models import WaitlistEntry, WaitlistOffer


def entry_get_waiting(*, seeker: SeekerProfile, supporter_id: int) -> WaitlistEntry | None:
    """The seeker's place on this supporter's list, if they are waiting."""
    return WaitlistEntry.objects.filter(
        seeker=seeker, supporter_id=supporter_id, status=WaitlistEntry.Status.WAITING
    ).first()


def entry_list_waiting(*, seeker: SeekerProfile) -> QuerySet[WaitlistEntry]:
    """The lists the seeker is on, with the supporter and any time held for them, in two queries."""
    held = WaitlistOffer.objects.filter(status=WaitlistOffer.Status.ACTIVE).select_related("slot")
    return (
        WaitlistEntry.objects.filter(seeker=seeker, status=WaitlistEntry.Status.WAITING)
        .select_related("supporter")
        .prefetch_related(Prefetch("offers", queryset=held, to_attr="held"))
        .order_by("created_at")
    )
