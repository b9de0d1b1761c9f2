import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import validate_timezone, zone

from . import fair_order


class Tag(models.Model):
    """A word from the staff-managed vocabulary that supporters pick to describe themselves."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Lived experience and topics")
        IDENTITY = "identity", _("Identity")
        INTEREST = "interest", _("Interests")
        LANGUAGE = "language", _("Language")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["kind", "display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="supporters_tag_kind_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupporterProfileQuerySet(models.QuerySet):
    def listed(self) -> "SupporterProfileQuerySet":
        """Active supporters whose credentials have not lapsed and who are not on leave right now: the ones
        seekers can find and book.

        A leave's dates are days in the supporter's zone; ``starts_at``/``ends_at`` hold the instants
        they begin and end, so this is one indexed comparison with no time zone work per row. Whether
        credentials lapsed is stored on the row (kept by workforce through ``services.listing``), so
        the rule adds a condition, never a join or a query."""
        now = timezone.now()
        on_leave = LeaveOfAbsence.objects.filter(supporter=OuterRef("pk"), starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )
        return self.filter(status=SupporterProfile.Status.ACTIVE, credentials_lapsed_at__isnull=True).exclude(
            Exists(on_leave)
        )


# The zones whose time-of-day next open times are stored on each supporter (``next_<kind>_<region>``).
STORED_TIME_OF_DAY_ZONES = {
    "America/Los_Angeles": "pacific",
    "America/Denver": "mountain",
    "America/Chicago": "central",
    "America/New_York": "eastern",
}
TIME_OF_DAY_KINDS = ("mornings", "evenings")


def time_of_day_field(kind: str, zone_name: str) -> str | None:
    """The stored column for a time-of-day filter seen from a zone, or None when that zone has none."""
    region = STORED_TIME_OF_DAY_ZONES.get(zone_name)
    return f"next_{kind}_{region}" if region and kind in TIME_OF_DAY_KINDS else None


def photo_path(instance: "SupporterProfile", filename: str) -> str:
    # Random names: a photo's URL reveals nothing and a new upload never reuses a cached URL.
    return f"supporters/{secrets.token_urlsafe(12)}-{filename}"


class SupporterProfile(models.Model):
    """A peer supporter as seekers see them, plus what staff need to run their work."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supporter")
    display_name = models.CharField(_("display name"), max_length=80)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    intro = models.CharField(_("short intro"), max_length=280, blank=True)
    story = models.TextField(_("my story"), max_length=4000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="supporters")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.DEFAULT_USER_TIME_ZONE, validators=[validate_timezone]
    )
    hourly_pay_cents = models.PositiveIntegerField(_("hourly pay (cents)"), default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ONBOARDING, db_index=True)
    photo_small = models.ImageField(upload_to=photo_path, blank=True)
    photo_medium = models.ImageField(upload_to=photo_path, blank=True)
    photo_large = models.ImageField(upload_to=photo_path, blank=True)
    # When a required credential (certification, background check…) expired without renewal: the
    # supporter is unlisted until it is renewed. None: nothing has lapsed (supporters with no credentials
    # on record included). Written only by ``services.listing`` (workforce keeps the credentials).
    credentials_lapsed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The start of the earliest open slot that was bookable (minimum notice to horizon) when the slot
    # services last looked: kept by every slot status change, regeneration and the daily roll, in the
    # transaction that changes the slots and under this row's lock (supporters/services/slots.py). Time
    # makes it stale (the slot comes within the minimum notice), so readers only trust a value at or
    # after now + notice, and a periodic refresh moves stale values on. None: no open slot.
    next_open_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The same for the directory's time-of-day filters, as a viewer in each of the US zones reads the
    # wall clock: the earliest open bookable slot in the morning (before noon), and on a weekday evening
    # (from 5pm). Kept with ``next_open_at``; viewers in other zones get the same answer from the slots.
    next_mornings_pacific = models.DateTimeField(null=True, blank=True, editable=False)
    next_evenings_pacific = models.DateTimeField(null=True, blank=True, editable=False)
    next_mornings_mountain = models.DateTimeField(null=True, blank=True, editable=False)
    next_evenings_mountain = models.DateTimeField(null=True, blank=True, editable=False)
    next_mornings_central = models.DateTimeField(null=True, blank=True, editable=False)
    next_evenings_central = models.DateTimeField(null=True, blank=True, editable=False)
    next_mornings_eastern = models.DateTimeField(null=True, blank=True, editable=False)
    next_evenings_eastern = models.DateTimeField(null=True, blank=True, editable=False)
    # The supporter's place in today's fair order (``supporters.fair_order``): who comes first among those
    # with the same next open time. Set when the profile is created and rewritten for everyone at the
    # start of every UTC day (``services.fair_order_rewrite``). Stored, not computed, so that the indexes
    # below hold it after the next open time. A database default too, so that rows inserted by code that
    # does not know the column (a release still running during a deploy) are valid until the next rewrite.
    fair_rank = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = SupporterProfileQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        indexes = [
            # The directory's order (soonest open first, then the day's fair order, then the id) and its
            # "next 48 hours" / "this week" filters, and the refresh of stale values. With the fair rank
            # in the index, a page reads its own rows in order, however many supporters tie.
            models.Index(fields=["next_open_at", "fair_rank", "id"], name="sup_next_open_rank_idx"),
            *(
                models.Index(
                    fields=[f"next_{kind}_{region}", "fair_rank", "id"],
                    name=f"sup_{kind[:4]}_{region}_rank_idx",
                )
                for kind in ("mornings", "evenings")
                for region in ("pacific", "mountain", "central", "eastern")
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # A new profile takes its place in today's fair order, which depends on its id: when the
        # database assigns the id, one UPDATE after the INSERT (creating a profile is rare).
        adding = self._state.adding
        if adding and self.pk is not None:
            self.fair_rank = fair_order.rank_of(self.pk, timezone.now())
        super().save(*args, **kwargs)
        if adding:
            rank = fair_order.rank_of(self.pk, timezone.now())
            if rank != self.fair_rank:
                type(self).objects.filter(pk=self.pk).update(fair_rank=rank)
                self.fair_rank = rank

    @property
    def is_active(self) -> bool:
        """Working with us (listed unless on a leave of absence)."""
        return self.status == self.Status.ACTIVE

    @property
    def is_onboarding(self) -> bool:
        return self.status == self.Status.ONBOARDING

    @property
    def tzinfo(self):
        return zone(self.time_zone)


class AvailabilityRule(models.Model):
    """A weekly window of work, in the supporter's own zone: e.g. Tuesdays 17:00–20:00."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")), name="rule_start_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="rule_weekday_range"),
            models.UniqueConstraint(fields=["supporter", "weekday", "start_time"], name="rule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """Whole days (inclusive, in the supporter's zone) without sessions."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="timeoff_start_le_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date}"


class LeaveOfAbsence(models.Model):
    """A longer break: the profile is hidden and no new bookings are possible. No end date: until ended."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="leaves")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # The first and the last-plus-one midnight of the leave in the supporter's zone (kept by save()).
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__lte=models.F("end_date")),
                name="leave_start_le_end",
            ),
        ]
        indexes = [models.Index(fields=["supporter", "starts_at"], name="leave_supporter_starts_idx")]

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date or '…'}"

    def save(self, *args, **kwargs):
        # Derived from this row's dates and its supporter's zone only (no business rule): the instants
        # the leave begins and ends, so listing supporters needs no per-row time zone arithmetic.
        self.starts_at, self.ends_at = self.instants(self.supporter.tzinfo)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "starts_at", "ends_at"}
        super().save(*args, **kwargs)

    def instants(self, tz) -> tuple[dt.datetime, dt.datetime | None]:
        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz).astimezone(dt.UTC)

        end = midnight(self.end_date + dt.timedelta(days=1)) if self.end_date else None
        return midnight(self.start_date), end

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class OperatingHours(models.Model):
    """When sessions may happen at all, per weekday, in the operations zone (Pacific time). Staff-editable."""

    weekday = models.PositiveSmallIntegerField(choices=AvailabilityRule.Weekday.choices, unique=True)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "operating hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="hours_open_before_close"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M} PT"


class Slot(models.Model):
    """One bookable session time of a supporter (like FHIR's Slot). Made from rules; held by bookings.

    Only an open slot can be booked. A slot that a booking let go of, at an hour the supporter no longer
    works (rule removed, time off, leave), is closed rather than deleted: the booking still points to it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HELD = "held", _("Held by a request")
        BOOKED = "booked", _("Booked")
        CLOSED = "closed", _("Closed (no longer offered)")
        RESERVED = "reserved", _("Held for someone on the waitlist")

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # A reserved slot is offered to one person (the first on the supporter's waitlist whose days and hours
    # it fits) until ``reserved_until``: only they can book it, through the normal booking step.
    reserved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reserved_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "start"], name="slot_unique_supporter_start"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="slot_start_before_end"),
            # Only a reserved slot names a holder and an end to the hold (a deleted holder frees nothing
            # by itself: the waitlist's sweep ends the hold).
            models.CheckConstraint(
                condition=Q(status="reserved", reserved_until__isnull=False)
                | Q(~Q(status="reserved"), reserved_for__isnull=True, reserved_until__isnull=True),
                name="slot_reserved_has_hold",
            ),
        ]
        indexes = [
            # "next available" and the directory's next-open subquery: open slots by time.
            models.Index(fields=["status", "start"], name="slot_status_start_idx"),
            models.Index(fields=["supporter", "status", "start"], name="slot_sup_status_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} {self.start:%Y-%m-%d %H:%M} UTC ({self.status})"

    def is_bookable_by(self, user, *, now: dt.datetime | None = None) -> bool:
        """Open, or reserved for ``user`` and the hold not yet over (the booking window aside)."""
        if self.status == self.Status.OPEN:
            return True
        now = now or timezone.now()
        return (
            self.status == self.Status.RESERVED
            and getattr(user, "is_authenticated", False)
            and self.reserved_for_id == user.pk
            and self.reserved_until is not None
            and now < self.reserved_until
        )


class SupporterConflict(models.Model):
    """A seeker and a supporter who must never be matched: they know each other.

    A seeker raises it with "I know this person" (they can undo it in My account); a supporter raises it
    by declining a request with "I know this person" (the seeker can't undo it and is never told why).
    Either way the supporter is left out of that seeker's directory, next available times, profile
    pages, suggestions and staff matching, and the seeker can't request them. It lives here, beside the
    directory, so the directory's reads and bookings (both below matching) can honour it."""

    class RaisedBy(models.TextChoices):
        SEEKER = "seeker", _("The seeker")
        SUPPORTER = "supporter", _("The supporter")

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="conflicts")
    seeker_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supporter_conflicts"
    )
    raised_by = models.CharField(max_length=12, choices=RaisedBy.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["seeker_user", "supporter"], name="conflict_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_user_id} / {self.supporter_id} ({self.raised_by})"


class HorizonRoll(models.Model):
    """One day's run of the incremental horizon roll, so a run that stopped half-way resumes where it
    stopped and a second run the same day only repeats cheap, idempotent work.

    ``horizon_from`` is the horizon the previous finished run reached (None: no run finished yet, so
    the whole horizon is generated); ``horizon_until`` the horizon this run fills to. Supporters are
    rolled in batches by id; ``through_supporter_id`` is the last id whose batch committed."""

    day = models.DateField(unique=True)  # the UTC day of the run
    horizon_from = models.DateTimeField(null=True, blank=True)
    horizon_until = models.DateTimeField()
    through_supporter_id = models.BigIntegerField(default=0)
    # The operating hours this run generated with (a digest). When they differ from the last finished
    # run's, this run regenerates everyone in full (``full``), as the admin's change asked for: so a
    # change whose own task was lost still reaches every supporter by the next roll.
    hours_key = models.CharField(max_length=64, blank=True)
    full = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"horizon roll {self.day} ({'finished' if self.finished_at else 'unfinished'})"
