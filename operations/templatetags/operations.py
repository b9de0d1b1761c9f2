"""``{% load operations %}``: whether to show staff the way to the operations dashboard."""

from django import template

from ..views import can_see_dashboard

register = template.Library()


@register.filter
def sees_dashboard(user) -> bool:
    """``{% if request.user|sees_dashboard %}``: operations and supervisors (superusers hold both)."""
    return can_see_dashboard(user)
