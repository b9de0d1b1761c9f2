"""``{% load bookings %}``: what the viewer may do with a booking, for lists where each row has its own
actions (a single booking's page gets ``actions`` from its view)."""

from django import template
from django.utils import timezone

from ..policy import BookingActions, booking_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def actions_for(context, booking) -> BookingActions:
    """``{% actions_for booking as actions %}``: the policy's answer for the signed-in viewer, at the
    page's ``now`` (or this instant)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return booking_actions(booking, viewer, context.get("now") or timezone.now())
