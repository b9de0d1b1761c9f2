import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One email in the outbox (DESIGN §8): written in the transaction that causes it, sent after commit.

    ``key`` names the (object, kind) the email is about, e.g. ``booking-12-confirmed``; it is unique,
    so a rerun of the same change never queues the same email twice. Bodies are rendered when the row
    is written and never contain message text, intake answers or report contents. A body with a one-time
    secret in it (``carries_secret``) is blanked once the email is sent or has failed for good.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Never sent: its recipient deleted their account (privacy; the address and body are erased).
        DROPPED = "dropped", _("Not sent (account deleted)")

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}] (text attachments such as .ics invites)
    attachments = models.JSONField(default=list, blank=True)
    # The body carries a one-time secret (an email-confirmation or password-reset link): it is blanked as
    # soon as the email is sent or given up on, so the secret never outlives its delivery in the database.
    carries_secret = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the sweep may try this row next: a minute after it is queued (the task after commit goes first),
    # then with exponential backoff after each failure; for a row being sent, when its claim goes stale.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set when staff resend a failed email: its retry budget counts from here instead of created_at.
    retry_started_at = models.DateTimeField(null=True, blank=True)
    # A failed row is reported to staff once, in one alert per sweep (README "Operations").
    staff_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            # The sweep reads only the rows that are due: unsent, by next_attempt_at.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["id"],
                name="notification_unalerted_idx",
                condition=models.Q(status="failed", staff_alerted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.to} ({self.status})"

    @property
    def message_id(self) -> str:
        """The local part of this email's Message-ID: derived from the row alone, so every retry of the
        same email carries the same Message-ID and a provider can drop a duplicate. Opaque: it reveals
        neither the row's id nor its key."""
        seed = f"{self.pk}|{self.key}|{self.created_at.isoformat()}"
        return "outbox." + hashlib.sha256(seed.encode()).hexdigest()[:32]
