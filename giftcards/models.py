"""Gift sessions (DESIGN §7): someone pays for N sessions once; the recipient claims them as N credits.

A gift's claim link carries a 256-bit random token; only its SHA-256 is stored here (``token_hash``).
The raw token exists only in the email to the recipient, so a resend makes a new token (the old link
stops working). The buyer's status link works the same way with its own token.

A credit is one row per session, so a seeker can never spend more than they were given: taking a credit
is a conditional update of one available row, and a booking can hold at most one credit.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from payments.models import Payable
from peersnet.kernel.money import format_cents
from seekers.models import SeekerProfile

MIN_SESSIONS = 1
MAX_SESSIONS = 10
MESSAGE_MAX_LENGTH = 1000


class GiftPrice(models.Model):
    """A bundle price staff can set: the total for a number of sessions. Without a row, a gift of N
    sessions costs N × SESSION_PRICE_CENTS."""

    sessions = models.PositiveSmallIntegerField(_("sessions"), unique=True)
    total_cents = models.PositiveIntegerField(_("total price (cents)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sessions"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=MIN_SESSIONS, sessions__lte=MAX_SESSIONS),
                name="giftprice_sessions_range",
            ),
            models.CheckConstraint(condition=Q(total_cents__gt=0), name="giftprice_total_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sessions} sessions: {format_cents(self.total_cents)}"


class Gift(models.Model):
    """N sessions bought by someone (who needs no account) for someone else."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        PAID = "paid", _("Paid, not delivered yet")
        DELIVERED = "delivered", _("Delivered")
        CLAIMED = "claimed", _("Claimed")
        REFUNDED = "refunded", _("Refunded")

    PAYABLE_PURPOSE = "gift"  # how this app's payables are named in the payments ledger

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer_name = models.CharField(_("buyer's name"), max_length=120)
    buyer_email = models.EmailField(_("buyer's email"))
    buyer_time_zone = models.CharField(max_length=64, default=settings.DEFAULT_USER_TIME_ZONE)
    recipient_name = models.CharField(_("recipient's name"), max_length=120)
    recipient_email = models.EmailField(_("recipient's email"))
    message = models.TextField(_("personal message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT)

    # Links: SHA-256 of the raw tokens, which live only in the emails.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    status_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    # The money: the gift's payable in the payments ledger (its attempts, card and refunds live there).
    payable = models.OneToOneField(Payable, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    # Life of the gift.
    issued_at = models.DateTimeField(null=True, blank=True)
    deliver_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the gift email is next due (empty: nothing to send).")
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    mail_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        SeekerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="gifts_claimed"
    )
    all_used_notified_at = models.DateTimeField(null=True, blank=True)
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=MIN_SESSIONS, sessions__lte=MAX_SESSIONS),
                name="gift_sessions_range",
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="gift_amount_positive"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), MESSAGE_MAX_LENGTH), name="gift_message_length"
            ),
            # Claimed means claimed by someone, at some time.
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(claimed_by__isnull=False, claimed_at__isnull=False),
                name="gift_claimed_has_claimer",
            ),
            # Anything past payment was paid (a refunded gift was paid first).
            models.CheckConstraint(
                condition=Q(status="pending_payment") | Q(issued_at__isnull=False),
                name="gift_issued_when_paid",
            ),
        ]
        indexes = [models.Index(fields=["status", "deliver_at"], name="gift_status_deliver_idx")]

    def __str__(self) -> str:
        return f"Gift {self.pk}: {self.sessions} for {self.recipient_name} ({self.status})"

    @property
    def from_name(self) -> str:
        """How the gift is signed for the recipient."""
        return self.buyer_name.strip() or "a friend"

    @property
    def is_claimable(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.DELIVERED)

    @property
    def is_refunded(self) -> bool:
        return self.status == self.Status.REFUNDED

    @property
    def reached_recipient(self) -> bool:
        """The gift email went out (or the recipient already claimed it)."""
        return self.delivered_at is not None or self.status == self.Status.CLAIMED


class SessionCredit(models.Model):
    """One session of a gift. Unbound (no seeker) until the gift is claimed.

    available → held (a booking accepted with it) → used (that booking kept its fee: completed, late
    cancellation, seeker no-show). held or used → available again when a card payment would have been
    refunded. void: the gift was refunded before it was claimed."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        HELD = "held", _("Booked")
        USED = "used", _("Used")
        VOID = "void", _("Void (gift refunded)")

    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="credits")
    seeker = models.ForeignKey(
        SeekerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="gift_credits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="gift_credits"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["gift_id", "pk"]
        constraints = [
            # A booking is paid by at most one credit.
            models.UniqueConstraint(
                fields=["booking"], condition=Q(booking__isnull=False), name="credit_one_per_booking"
            ),
            # Booked or used: by a claimed seeker, for a booking. Available or void: for no booking.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["held", "used"], booking__isnull=False, seeker__isnull=False)
                    | Q(status__in=["available", "void"], booking__isnull=True)
                ),
                name="credit_booking_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["seeker", "status"], name="credit_seeker_status_idx")]

    def __str__(self) -> str:
        return f"Credit {self.pk} of gift {self.gift_id} ({self.status})"


class SessionCreditEvent(models.Model):
    """What happened to a credit, for staff: claimed, taken, returned, used, voided. Append-only."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        TAKEN = "taken", _("Taken by a booking")
        RETURNED = "returned", _("Returned")
        USED = "used", _("Used")
        VOIDED = "voided", _("Voided")

    credit = models.ForeignKey(SessionCredit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.credit_id}: {self.kind}"
