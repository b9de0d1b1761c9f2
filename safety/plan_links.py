"""safety's links on bookings' pages (registered in SafetyConfig.ready() through bookings.links):
"My safety plan" pinned on the seeker's portal, and on the session page a link to the plan for the
seeker and for a current supporter (plans_selectors)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bookings.links import PageLink
from bookings.models import Booking

from . import plans_selectors as selectors

KEY = "safety_plan"


def portal_link(request: HttpRequest) -> PageLink | None:
    """The seeker's own plan, with when it was last saved (one query)."""
    seeker = getattr(request, "seeker", None)
    if seeker is None:
        return None
    plan = selectors.plan_get(seeker=seeker)
    if plan is not None and plan.updated_at:
        saved = timezone.localtime(plan.updated_at).strftime("%B %-d, %Y")
        note = f"Last saved {saved}. Print it or keep it as a PDF."
    else:
        note = "Not written yet: start it on your own or with your supporter."
    return PageLink(key=KEY, label="My safety plan", url=reverse("safety:my_plan"), note=note)


def session_link(request: HttpRequest, booking: Booking) -> PageLink | None:
    """For the seeker: their plan. For the supporter: the seeker's plan, when they are a current
    supporter (one query); nothing otherwise."""
    user = request.user
    if booking.seeker.user_id == user.pk:
        return PageLink(key=KEY, label="My safety plan", url=reverse("safety:my_plan"))
    if booking.supporter.user_id == user.pk and selectors.supporter_is_current(
        supporter=booking.supporter, seeker=booking.seeker, now=timezone.now()
    ):
        return PageLink(
            key=KEY,
            label=f"Safety plan with {booking.seeker.user.get_short_name()}",
            url=reverse("safety:plan", args=[booking.seeker_id]),
            note="Write it together, in or after your session.",
        )
    return None
