import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.models import Payable
from peersnet.kernel.crypto import EncryptedCharField, EncryptedTextField
from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile


class BookingQuerySet(models.QuerySet):
    def for_seeker(self, user) -> "BookingQuerySet":
        return self.filter(seeker__user=user) if user.is_authenticated else self.none()

    def for_supporter(self, user) -> "BookingQuerySet":
        return self.filter(supporter__user=user) if user.is_authenticated else self.none()

    def for_participant(self, user) -> "BookingQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(seeker__user=user) | Q(supporter__user=user))


# Statuses in which a booking holds its slot and its seeker's hour (used by the database constraints).
HOLDING_STATUSES = ("requested", "payment_pending", "confirmed", "completed", "refunded", "no_show")


def new_room_token() -> str:
    return secrets.token_urlsafe(24)


class Booking(models.Model):
    """A seeker's session with a supporter in one slot. Its life is the state machine of DESIGN §6."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PAYMENT_PENDING = "payment_pending", _("Waiting for payment")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        REFUNDED = "refunded", _("Refunded")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RELEASED = "released", _("Released (not paid)")
        CANCELLED = "cancelled", _("Cancelled")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")
        CANCELLED_BY_SUPPORTER = "cancelled_by_supporter", _("Cancelled by supporter")
        NO_SHOW = "no_show", _("No-show")

    class Party(models.TextChoices):
        SEEKER = "seeker", _("Seeker")
        SUPPORTER = "supporter", _("Supporter")

    class Money(models.TextChoices):
        """What the booking's state means for the fee; the payments app carries it out."""

        NONE = "", _("Not decided")
        CHARGE = "charge", _("Charge the fee")
        NOTHING_TO_CHARGE = "nothing", _("Nothing to charge")
        KEEP_FEE = "keep_fee", _("Keep the fee")
        REFUND_FULL = "refund_full", _("Refunded in full")

    HOLDING = HOLDING_STATUSES
    PAYABLE_PURPOSE = "booking"  # how this app's payables are named in the payments ledger
    TRANSITIONS: dict[str, set[str]] = {
        Status.REQUESTED: {
            Status.CONFIRMED,
            Status.PAYMENT_PENDING,
            Status.DECLINED,
            Status.EXPIRED,
            Status.WITHDRAWN,
        },
        Status.PAYMENT_PENDING: {
            Status.CONFIRMED,
            Status.RELEASED,
            Status.CANCELLED,
            Status.LATE_CANCELLED,
            Status.CANCELLED_BY_SUPPORTER,
        },
        Status.CONFIRMED: {
            Status.COMPLETED,
            Status.CANCELLED,
            Status.LATE_CANCELLED,
            Status.CANCELLED_BY_SUPPORTER,
            Status.NO_SHOW,
        },
        Status.COMPLETED: {Status.REFUNDED, Status.NO_SHOW},
        Status.NO_SHOW: {Status.NO_SHOW},  # staff: the seeker's no-show turns out to be the supporter's
        Status.REFUNDED: set(),
        Status.DECLINED: set(),
        Status.EXPIRED: set(),
        Status.WITHDRAWN: set(),
        Status.RELEASED: set(),
        Status.CANCELLED: set(),
        Status.LATE_CANCELLED: set(),
        Status.CANCELLED_BY_SUPPORTER: set(),
    }

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="bookings")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    # Copied from the slot (and moved with it on reschedule) so constraints and lists need no join.
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    respond_by = models.DateTimeField(help_text=_("The request expires if not accepted by then."))
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text=_("When it left the active states."))
    price_cents = models.PositiveIntegerField(default=0)
    amount_paid_cents = models.PositiveIntegerField(default=0)
    payable = models.OneToOneField(
        Payable,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The session's fee in the payments ledger (made when accepted, unless a gift pays)."),
    )
    paid_with_credit = models.BooleanField(default=False, help_text=_("Paid with a gift session credit."))
    payment_due_by = models.DateTimeField(
        null=True, blank=True, help_text=_("Accepted but unpaid: released if not paid by then.")
    )
    money = models.CharField(max_length=12, choices=Money.choices, default=Money.NONE, blank=True)
    money_decided_at = models.DateTimeField(null=True, blank=True)
    no_show_by = models.CharField(max_length=10, choices=Party.choices, blank=True)
    supporter_absent_reported_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The seeker said the supporter did not come; staff review it.")
    )
    # What the supporter wrote when declining, for staff only: encrypted at rest.
    decline_reason = EncryptedCharField(_("private reason"), max_length=300, blank=True)
    room_token = models.CharField(max_length=64, unique=True, default=new_room_token, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            # Two bookings can never hold one slot.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status__in=HOLDING_STATUSES), name="booking_one_holder_per_slot"
            ),
            # A seeker never holds two sessions at one time (all sessions start on the hour and are
            # equally long; on PostgreSQL an exclusion constraint on the time range also guards it).
            models.UniqueConstraint(
                fields=["seeker", "start"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="booking_seeker_one_at_a_time",
            ),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="booking_start_before_end"),
        ]
        indexes = [
            models.Index(fields=["status", "start"], name="booking_status_start_idx"),
            models.Index(fields=["status", "respond_by"], name="booking_status_respond_idx"),
            # The operations dashboard: requests made per day, and cancellations per day.
            models.Index(fields=["requested_at"], name="booking_requested_at_idx"),
            models.Index(fields=["status", "ended_at"], name="booking_status_ended_idx"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} ({self.status})"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING

    @property
    def video_url(self) -> str:
        return f"{settings.VIDEO_BASE_URL.rstrip('/')}/peersnet-{self.room_token}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class SessionFeedback(models.Model):
    """How a completed session went, in the seeker's words. "I didn't love it" refunds the session
    (the money-back guarantee, once per booking, never conditional on anything else). The 1–5 rating and
    the comment are optional and private: supervisors read them (privacy.roles),
    the supporter never sees them, and nothing orders supporters by them. Aggregated per supporter for
    supervision only (bookings.selectors.feedback_summary_by_supporter)."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="feedback")
    loved = models.BooleanField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("1 (poor) to 5 (great)."))
    comment = EncryptedTextField(blank=True, max_length=2000)  # the seeker's words: encrypted at rest
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
        ]
        indexes = [
            # The operations dashboard: guarantee claims ("I didn't love it") by when they were made.
            models.Index(fields=["created_at"], name="feedback_claim_created_idx", condition=Q(loved=False)),
        ]

    def __str__(self) -> str:
        return f"Feedback on booking {self.booking_id}: {'loved' if self.loved else 'refund'}"


class BookingEvent(models.Model):
    """One transition of one booking: who, when, from, to, why. Append-only."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    # Encrypted at rest: besides our own words ("not paid in time") it holds what a supporter wrote when
    # declining or cancelling.
    reason = EncryptedCharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '∅'} → {self.to_status}"
