"""Money on screen and in emails. Amounts are integer cents everywhere; this is the one place they
become text."""


def format_cents(cents: int | None) -> str:
    """Dollars with thousands separators; cents only when there are some.

    6500 -> "$65", 6550 -> "$65.50", 130000 -> "$1,300", 130005 -> "$1,300.05", -500 -> "-$5",
    None -> "" (nothing to show)."""
    if cents is None:
        return ""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}" if rest == 0 else f"{sign}${dollars:,}.{rest:02d}"
