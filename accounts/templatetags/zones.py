"""``{% load zones %}``: times shown with their zone (accounts.timezones.format_when)."""

from django import template

from ..timezones import format_when, friendly_zone_name

register = template.Library()


@register.filter
def when(value) -> str:
    """``{{ deadline|when }}``: "Monday 7 December, 3:00 PM Pacific Time (PST)" in the viewer's zone."""
    return format_when(value)


@register.filter
def zone_name(name: str) -> str:
    """``{{ user.time_zone|zone_name }}``: "Pacific Time"."""
    return friendly_zone_name(str(name or ""))
