from django.db import models
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

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.to} ({self.status})"
