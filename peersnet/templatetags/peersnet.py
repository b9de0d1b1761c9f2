from django import template

register = template.Library()


@register.filter
def money(cents: int | None) -> str:
    """Format integer cents as dollars: 6500 -> "$65", 6550 -> "$65.50"."""
    if cents is None:
        return ""
    dollars, rest = divmod(int(cents), 100)
    return f"${dollars:,}" if rest == 0 else f"${dollars:,}.{rest:02d}"


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None
