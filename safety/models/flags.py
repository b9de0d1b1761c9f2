"""Crisis flags: a seeker's message or intake answers matched the crisis phrase list, and a supervisor
must acknowledge it within SAFETY_FLAG_ACK_HOURS operating hours, then close it with what was done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from messaging.models import Conversation, Message
from peersnet.kernel.crypto import EncryptedTextField
from seekers.models import SeekerProfile


class CrisisFlag(models.Model):
    """One open flag per conversation (and one per seeker's intake) at a time: later matches attach to it
    (``match_count``, ``last_matched_at``, more words) instead of opening another. The matched phrases and
    the closing reason are encrypted at rest; the message text itself stays in messaging.

    Life: opened (``due_at`` set by the SLA clock) -> acknowledged by a supervisor -> closed with an
    outcome. ``escalated_at`` is set once, when the deadline passed unacknowledged and every supervisor
    was emailed."""

    class Source(models.TextChoices):
        MESSAGE = "message", _("A message")
        INTAKE = "intake", _("Intake answers")

    class Outcome(models.TextChoices):
        REACHED_OUT = "reached_out", _("Reached out to the seeker")
        REFERRED = "referred", _("Referred to crisis or emergency services")
        NO_ACTION = "no_action", _("No action needed")

    source = models.CharField(max_length=10, choices=Source.choices)
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="crisis_flags")
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.PROTECT, related_name="crisis_flags"
    )
    message = models.ForeignKey(  # the first message that matched
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_words = EncryptedTextField(_("matched phrases"), max_length=4000)
    match_count = models.PositiveIntegerField(default=1)
    opened_at = models.DateTimeField()
    last_matched_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text=_("Acknowledge by: the SLA deadline in operating hours."))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = EncryptedTextField(_("what was done, or why nothing was"), blank=True, max_length=2000)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(closed_at__isnull=True, conversation__isnull=False),
                name="crisisflag_one_open_per_conversation",
            ),
            models.UniqueConstraint(
                fields=["seeker"],
                condition=Q(closed_at__isnull=True, source="intake"),
                name="crisisflag_one_open_intake_per_seeker",
            ),
            models.CheckConstraint(
                condition=Q(source="message", conversation__isnull=False)
                | Q(source="intake", conversation__isnull=True),
                name="crisisflag_source_matches_link",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False, acknowledged_at__isnull=False) & ~Q(outcome=""),
                name="crisisflag_closed_with_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="crisisflag_unacked_idx",
                condition=Q(acknowledged_at__isnull=True, closed_at__isnull=True),
            ),
            models.Index(fields=["closed_at"], name="crisisflag_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"Crisis flag {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
