"""Data: the pay-rate history starts from each supporter's single ``hourly_pay_cents``.

Before this issue a supporter had one hourly rate on their profile. From now on ``workforce.PayRate``
(rates with effective dates, history kept) is what pay uses; this migration gives every supporter with a
non-zero profile rate an open PayRate from the first day of the month their profile was created (Pacific), so the
first statements are paid at the rate staff had set. The profile field is left in place, no longer read
for pay; a later change in supporters can drop it (and its admin column). Reversing deletes only the
rows this migration wrote (set_by is empty and no later rate follows them)."""

from zoneinfo import ZoneInfo

from django.db import migrations

PACIFIC = ZoneInfo("America/Los_Angeles")


def seed_rates(apps, schema_editor):
    SupporterProfile = apps.get_model("supporters", "SupporterProfile")
    PayRate = apps.get_model("workforce", "PayRate")
    have = set(PayRate.objects.values_list("supporter_id", flat=True))
    rows = [
        PayRate(
            supporter_id=pk,
            hourly_cents=cents,
            effective_from=created_at.astimezone(PACIFIC).date().replace(day=1),
        )
        for pk, cents, created_at in SupporterProfile.objects.filter(hourly_pay_cents__gt=0).values_list(
            "pk", "hourly_pay_cents", "created_at"
        )
        if pk not in have
    ]
    PayRate.objects.bulk_create(rows, batch_size=1000)


def unseed_rates(apps, schema_editor):
    PayRate = apps.get_model("workforce", "PayRate")
    PayRate.objects.filter(set_by__isnull=True, effective_to__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0007_next_open_and_horizon_roll"),
        ("workforce", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed_rates, unseed_rates)]
