"""``{% load operations %}``: whether to show staff the way to the operations dashboard."""

from django import template
from django.utils.html import format_html

from ..views import can_see_dashboard

register = template.Library()


@register.filter
def sees_dashboard(user) -> bool:
    """``{% if request.user|sees_dashboard %}``: operations and supervisors (superusers hold both)."""
    return can_see_dashboard(user)


@register.simple_tag
def figure(f, extra: str = "") -> str:
    """``{% figure f "extra words" %}``: the number, as a link to its admin list when the viewer has one.
    The link's hidden words name what the number counts, for screen readers. (A tag, not an include: the
    page shows a hundred of them.)"""
    if not f.href:
        return format_html("{}", f.count)
    what = f"{f.label}, {extra}" if extra else f.label
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> ({}: open the list)</span></a>', f.href, f.count, what
    )
