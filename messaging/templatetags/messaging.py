"""``{% load messaging %}``: messaging's pieces on other apps' pages (templates sit above every app, so
bookings' dashboard can show them without bookings importing messaging)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("messaging/_waiting.html", takes_context=True)
def waiting_replies(context) -> dict:
    """The supporter's conversations waiting for a reply, oldest first, with the reply-by time."""
    request = context["request"]
    supporter = getattr(request.user, "supporter", None)
    return {"waiting": selectors.conversation_list_waiting(supporter=supporter) if supporter else []}
