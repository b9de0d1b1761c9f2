"""Supporters' pay: hourly rates with effective dates, staff-recorded paid activities (orientation,
continuing education), manual adjustments, and the monthly statements with their frozen lines.

Money is integer cents; time is integer minutes; "months" are calendar months in Pacific time
(``OPERATIONS_TIME_ZONE``), stored as the month's first day.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField
from supporters.models import SupporterProfile


class PayRate(models.Model):
    """A supporter's hourly rate from ``effective_from`` to ``effective_to`` (both days inclusive; an open
    end is the current rate). Rows never overlap: ``services.pay.pay_rate_set`` closes the previous rate
    the day before a new one starts, under a lock; the constraints keep one open rate and one start per
    day. The history is the truth for pay (``SupporterProfile.hourly_pay_cents`` only seeded it)."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="pay_rates")
    hourly_cents = models.PositiveIntegerField(_("hourly rate (cents)"))
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supporter", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "effective_from"], name="payrate_one_start_a_day"),
            models.UniqueConstraint(
                fields=["supporter"], condition=Q(effective_to__isnull=True), name="payrate_one_open"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="payrate_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(hourly_cents__gt=0), name="payrate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.hourly_cents} cents/h from {self.effective_from}"

    def covers(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class PaidActivity(models.Model):
    """Paid time that isn't a session or supervision: orientation, continuing education. Recorded by staff
    with its day (Pacific) and minutes; paid at the rate of that day on that month's statement."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation")
        CONTINUING_EDUCATION = "continuing_education", _("Continuing education")

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="paid_activities")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=120, help_text=_("Shown on the supporter's statement."))
    on = models.DateField(_("day (Pacific time)"))
    minutes = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "paid activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=600), name="paidactivity_minutes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class PayAdjustment(models.Model):
    """A correction by staff: an amount (cents, may be negative) or time (minutes, may be negative, paid at
    the rate of the day it was made). It lands on the first statement generated after it was made
    (``statement`` is set then) and is never edited afterwards. The reason is encrypted (it may speak of
    a person's circumstances); the supporter sees it on their statement."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="pay_adjustments")
    amount_cents = models.IntegerField(default=0)
    minutes = models.IntegerField(default=0)
    reason = EncryptedTextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    statement = models.ForeignKey(
        "PayStatement", on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount_cents=0) & ~Q(minutes=0)) | (~Q(amount_cents=0) & Q(minutes=0)),
                name="payadjustment_amount_or_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"Adjustment {self.pk}"


class PayStatement(models.Model):
    """A supporter's pay for one Pacific month, generated on the 1st of the next month and locked from
    then on: its lines and totals are never edited (corrections are adjustments on a later statement).
    Only ``paid_on``/``paid_by`` change, when operations mark it paid. One per supporter and month
    (a unique constraint: two runs of the job at once create one)."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="pay_statements")
    month = models.DateField(help_text=_("The month's first day."))
    total_minutes = models.IntegerField()
    total_cents = models.IntegerField()
    generated_at = models.DateTimeField()
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "supporter_id"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "month"], name="paystatement_one_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="paystatement_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Statement {self.month:%B %Y}"

    @property
    def hours(self):
        return minutes_as_hours(self.total_minutes)


class PayStatementLine(models.Model):
    """One frozen line of a statement: what, which day (Pacific), minutes, the rate of that day and the
    amount. ``source_id`` names the booking, attendance, activity or adjustment it came from; the
    partial unique constraint pays each of them at most once, across all statements."""

    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        NO_SHOW = "no_show", _("Session (seeker didn't come)")
        LATE_CANCEL = "late_cancel", _("Session (cancelled late by the seeker)")
        ONE_TO_ONE = "one_to_one", _("1:1 supervision")
        GROUP = "group", _("Group supervision")
        ORIENTATION = "orientation", _("Orientation")
        CONTINUING_EDUCATION = "continuing_education", _("Continuing education")
        ADJUSTMENT = "adjustment", _("Adjustment")

    statement = models.ForeignKey(PayStatement, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    on = models.DateField()
    description = models.CharField(max_length=160, blank=True)
    minutes = models.IntegerField()
    rate_cents = models.PositiveIntegerField()
    amount_cents = models.IntegerField()
    source_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_id"],
                condition=Q(source_id__isnull=False),
                name="paystatementline_paid_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @property
    def hours(self):
        return minutes_as_hours(self.minutes)


def minutes_as_hours(minutes: int):
    """Hours with two decimals, for display and CSV (90 -> Decimal("1.50"))."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
