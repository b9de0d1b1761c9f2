"""A seeker's place on a supporter's waitlist, with the days and hours that suit them, and the offers
(holds on a slot that opened) made from it."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.timezones import validate_timezone, zone
from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WaitlistEntry(models.Model):
    """ "Tell me when Ana has a time": one seeker waiting for one supporter, first come first told.

    ``weekdays`` is a bit set (bit 0 Monday … bit 6 Sunday) and the hours a window of wall-clock hours, all
    in ``time_zone`` (the seeker's zone when they joined or last changed it): a session fits when it
    starts on one of those days, at or after ``from_hour`` and ends by ``until_hour``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        LEFT = "left", _("Left the list")
        BOOKED = "booked", _("Booked a time")

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="waitlist_entries")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="waitlist_entries")
    weekdays = models.PositiveSmallIntegerField(help_text=_("Days that suit: bit 0 is Monday, bit 6 Sunday."))
    from_hour = models.PositiveSmallIntegerField()
    until_hour = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64, validators=[validate_timezone])
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(help_text=_("Their place in line."))
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "supporter"],
                condition=Q(status="waiting"),
                name="waitlist_one_place_per_supporter",
            ),
            models.CheckConstraint(condition=Q(weekdays__gte=1, weekdays__lte=127), name="waitlist_some_day"),
            models.CheckConstraint(
                condition=Q(from_hour__lt=models.F("until_hour"), until_hour__lte=24),
                name="waitlist_hours_in_order",
            ),
        ]
        indexes = [models.Index(fields=["supporter", "status", "created_at"], name="waitlist_line_idx")]

    def __str__(self) -> str:
        return f"{self.seeker} waiting for {self.supporter} ({self.status})"

    @property
    def days(self) -> list[int]:
        return [day for day in range(7) if self.weekdays & (1 << day)]

    @property
    def tzinfo(self):
        return zone(self.time_zone)

    def fits(self, start: dt.datetime) -> bool:
        """Whether a session starting at ``start`` falls on the chosen days and within the chosen hours,
        judged in the seeker's zone."""
        local = start.astimezone(self.tzinfo)
        if not self.weekdays & (1 << local.weekday()):
            return False
        begins = local.hour * 60 + local.minute
        return self.from_hour * 60 <= begins and begins + settings.SESSION_MINUTES <= self.until_hour * 60

    def describe(self) -> str:
        """ "Mondays, Wednesdays · 5 PM to 9 PM" in words (the seeker's zone)."""
        days = self.days
        if days == [0, 1, 2, 3, 4]:
            day_words = "Weekdays"
        elif len(days) == 7:
            day_words = "Any day"
        else:
            day_words = ", ".join(f"{WEEKDAY_NAMES[d]}s" for d in days)
        return f"{day_words} · {hour_label(self.from_hour)} to {hour_label(self.until_hour)}"


def hour_label(hour: int) -> str:
    """0 -> "midnight", 9 -> "9 AM", 12 -> "noon", 17 -> "5 PM", 24 -> "midnight"."""
    if hour % 24 == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12 or 12} {'AM' if hour < 12 else 'PM'}"


class WaitlistOffer(models.Model):
    """A slot that opened, held for one seeker from the list until ``expires_at``. The slot itself carries
    the hold (``Slot.reserved_for``/``reserved_until``), which is what stops anyone else booking it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Held for them")
        BOOKED = "booked", _("They booked it")
        EXPIRED = "expired", _("The hold ran out")
        WITHDRAWN = "withdrawn", _("Ended: they left the list or booked another time")
        LAPSED = "lapsed", _("The time is no longer offered")

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    # The entry's seeker, copied so the database can allow one live hold per seeker.
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="waitlist_offers")
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "pk"]
        constraints = [
            # Each slot is held for one person at a time, and one person holds one slot at a time.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status="active"), name="waitlist_offer_one_per_slot"
            ),
            models.UniqueConstraint(
                fields=["seeker"], condition=Q(status="active"), name="waitlist_offer_one_per_seeker"
            ),
            # Nobody is offered the same time twice: when a hold runs out, the next in line is told.
            models.UniqueConstraint(fields=["entry", "slot"], name="waitlist_offer_once_per_slot"),
            models.CheckConstraint(
                condition=Q(offered_at__lt=models.F("expires_at")), name="waitlist_offer_ends"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="waitlist_offer_due_idx"),
            models.Index(fields=["seeker", "offered_at"], name="waitlist_offer_seeker_idx"),
        ]

    def __str__(self) -> str:
        return f"Offer of {self.slot_id} to {self.seeker_id} ({self.status})"
