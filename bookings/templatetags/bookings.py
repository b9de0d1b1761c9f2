"""``{% load bookings %}``: what the viewer may do with a booking, for lists where each row has its own
actions (a single booking's page gets ``actions`` from its view)."""

from django import template
from django.utils import timezone

from ..policy import (
    BookingActions,
    booking_actions,
    gift_balance_sentence,
    late_cancel_outcome,
    late_cancel_rule,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def actions_for(context, booking) -> BookingActions:
    """``{% actions_for booking as actions %}``: the policy's answer for the signed-in viewer, at the
    page's ``now`` (or this instant)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return booking_actions(booking, viewer, context.get("now") or timezone.now())


@register.filter
def gift_balance(count: int) -> str:
    """``{{ gift_credits|gift_balance }}``: "You have 2 gift sessions" (bookings.policy words it)."""
    return gift_balance_sentence(int(count or 0))


@register.simple_tag
def late_cancel_rule_words() -> str:
    """``{% late_cancel_rule_words %}``: the late-cancellation rule, from bookings.policy."""
    return late_cancel_rule()


@register.simple_tag
def late_outcome(booking) -> str:
    """``{% late_outcome booking %}``: what cancelling ``booking`` late means for its money."""
    return late_cancel_outcome(booking)
