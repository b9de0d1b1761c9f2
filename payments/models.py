from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from seekers.models import SeekerProfile


class StripeCustomer(models.Model):
    """A seeker's Stripe customer and their saved card (brand and last four only; Stripe keeps the card)."""

    seeker = models.OneToOneField(SeekerProfile, on_delete=models.PROTECT, related_name="stripe_customer")
    stripe_customer_id = models.CharField(max_length=64, unique=True)
    payment_method_id = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The seeker's account was deleted: the card is forgotten here at once, and the customer deleted at
    # Stripe after commit (retried by the money sweep until ``stripe_deleted_at`` is set).
    erase_wanted_at = models.DateTimeField(null=True, blank=True)
    stripe_deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.seeker} ({self.stripe_customer_id})"

    @property
    def has_card(self) -> bool:
        return bool(self.payment_method_id)


class Payable(models.Model):
    """Something to be paid, whatever it is for: a session's fee, a gift of sessions. The app that owns
    the thing points down to its payable (``Booking.payable``, ``Gift.payable``); payments never looks up.
    Attempts to pay it are ``Payment`` rows, money given back is ``Refund`` rows under them.

    open: waiting for money. paid: one attempt succeeded (a database constraint allows one). closed: no
    longer wanted unpaid (the owner said so); a success that arrives after that is refunded at once."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PAID = "paid", _("Paid")
        CLOSED = "closed", _("No longer wanted")

    purpose = models.CharField(
        max_length=32, help_text=_("What it pays for, as the owning app names it (booking, gift).")
    )
    key_prefix = models.CharField(
        max_length=48,
        unique=True,
        help_text=_(
            "Our own name of it (booking-12, gift-3): every idempotency key sent to Stripe starts so."
        ),
    )
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # The payer: a seeker (their saved card and Stripe customer), or someone without an account (a gift's
    # buyer) with a Stripe customer of this payable alone.
    seeker = models.ForeignKey(
        SeekerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="payables"
    )
    payer_name = models.CharField(max_length=120, blank=True)
    payer_email = models.EmailField(blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paid_twice_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A second payment succeeded for it (refunded automatically; staff were alerted)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payable_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payable_paid_has_time"
            ),
        ]
        indexes = [models.Index(fields=["purpose", "status"], name="payable_purpose_status_idx")]

    def __str__(self) -> str:
        return f"Payable {self.pk} ({self.purpose}, {self.status})"


class Payment(models.Model):
    """One attempt to pay one payable: one Stripe PaymentIntent. A session's first attempt is made
    off-session when the supporter accepts; each try on a pay page is a new attempt. At most one attempt
    per payable can be the one that paid it (a database constraint); a second success (a late 3-D Secure
    completion, say), or one after the payable was closed, is marked a duplicate and refunded.

    "Charge wanted": an off-session attempt written ``pending`` with ``sends == 0`` in the owner's
    transaction (the supporter's accept), before any task is queued, so a lost task can't lose the charge:
    the money sweep sends every pending off-session attempt. Whoever sends it first takes a lease
    (``lease_until``/``leased_by``, committed before the Stripe call), so two never send it at once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not sent yet")
        PROCESSING = "processing", _("Processing")
        REQUIRES_ACTION = "requires_action", _("Needs the card holder")
        FAILED = "failed", _("Failed")
        SUCCEEDED = "succeeded", _("Paid")
        DUPLICATE = "duplicate", _("Paid twice, refunded")
        CANCELED = "canceled", _("Cancelled")

    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="payments")
    attempt = models.PositiveSmallIntegerField(default=1)
    off_session = models.BooleanField(default=True)
    amount_cents = models.PositiveIntegerField()
    refunded_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    payment_method_id = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    sends = models.PositiveSmallIntegerField(default=0, help_text=_("Calls made to Stripe for this attempt."))
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Being sent to Stripe by leased_by until then (a worker's lease).")
    )
    leased_by = models.CharField(max_length=80, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["payable", "attempt"], name="payment_attempt_unique"),
            # One successful charge per payable.
            models.UniqueConstraint(
                fields=["payable"], condition=Q(status="succeeded"), name="payment_one_success_per_payable"
            ),
            # Never more refunded than paid.
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=F("amount_cents")), name="payment_refund_cap"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # The operations dashboard: attempts waiting for the card holder, the month's revenue.
            models.Index(fields=["status", "succeeded_at"], name="payment_status_succeeded_idx"),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} of payable {self.payable_id} ({self.status})"

    @property
    def took_money(self) -> bool:
        """The card was charged by this attempt (a duplicate too, before its refund)."""
        return self.status in (self.Status.SUCCEEDED, self.Status.DUPLICATE)

    @property
    def refundable_cents(self) -> int:
        paid = self.status in (self.Status.SUCCEEDED, self.Status.DUPLICATE)
        return self.amount_cents - self.refunded_cents if paid else 0


class Refund(models.Model):
    """Money back on one payment, as one Stripe Refund. ``amount_cents`` was reserved on the payment
    (``refunded_cents``) when this row was written, so refunds can never add up past the payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed, will retry")
        CANCELED = "canceled", _("Cancelled")

    class Reason(models.TextChoices):
        POLICY = "policy", _("Cancellation or decline under the rules")
        GUARANTEE = "guarantee", _("Money-back guarantee")
        STAFF = "staff", _("Staff decision")
        DUPLICATE = "duplicate", _("Paid twice")
        LATE_PAYMENT = "late_payment", _("Paid after it was no longer wanted")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_refund_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="refund_amount_positive"),
            # The rules refund a booking at most once; only staff may add partial refunds beside it.
            models.UniqueConstraint(
                fields=["payment"], condition=~Q(reason="staff"), name="refund_one_policy_refund_per_payment"
            ),
        ]
        indexes = [
            # The operations dashboard: failed refunds, the month's refunds.
            models.Index(fields=["status", "succeeded_at"], name="refund_status_succeeded_idx"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} of payment {self.payment_id} ({self.status})"


class WebhookEvent(models.Model):
    """Every Stripe event we received, stored once by its id and processed once."""

    stripe_event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Being processed since (cleared when done or given up).")
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"
