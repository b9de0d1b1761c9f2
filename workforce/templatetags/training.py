"""Template filters for training pages."""

from django import template

from ..selectors.training import hours as hours_text

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes shown as hours: 90 -> "1.5"."""
    return hours_text(int(minutes or 0))
