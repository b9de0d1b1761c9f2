from django import template

from peersnet.kernel.money import format_cents

register = template.Library()


@register.filter
def money(cents: int | None) -> str:
    """``{{ cents|money }}``: the kernel's one money format (6500 -> "$65", 130050 -> "$1,300.50")."""
    return format_cents(cents)


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None
