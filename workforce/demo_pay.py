"""Demo pay rates: every demo supporter's hourly rate becomes the start of their rate history (the same
rule as migration 0003), so statements can be made for the demo. Idempotent."""

from __future__ import annotations

from supporters.models import SupporterProfile

from .models import PayRate
from .months import pacific_day


def seed_pay() -> list[str]:
    have = set(PayRate.objects.values_list("supporter_id", flat=True))
    rows = [
        PayRate(
            supporter_id=pk,
            hourly_cents=cents,
            effective_from=pacific_day(created_at).replace(day=1),
        )
        for pk, cents, created_at in SupporterProfile.objects.filter(hourly_pay_cents__gt=0).values_list(
            "pk", "hourly_pay_cents", "created_at"
        )
        if pk not in have
    ]
    PayRate.objects.bulk_create(rows)
    return [f"Pay: {len(rows)} demo supporter rate(s) added." if rows else "Pay: demo rates already set."]


__all__ = ["seed_pay"]
