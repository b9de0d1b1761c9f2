"""Conversations between a seeker and a supporter, their messages (encrypted at rest), reports and
each person's email choice. See docs/architecture.md "Messaging"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile


class Side(models.TextChoices):
    SEEKER = "seeker", _("Seeker")
    SUPPORTER = "supporter", _("Supporter")


class Conversation(models.Model):
    """One thread per seeker and supporter, made when they first have a booking together.

    The counters are kept by the services under this row's lock: ``*_unread`` is how many messages from
    the other side that person hasn't opened, ``*_unread_from`` the first of them (the "batch" one
    unread email is about). ``awaiting_since`` is when the first seeker message the supporter hasn't
    answered was sent: the reply-by clock runs from it (messaging.policy.reply_deadline)."""

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="conversations")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="conversations")
    created_at = models.DateTimeField(auto_now_add=True)
    # The end of the latest session they have (or had) together; open until this plus MESSAGING_OPEN_DAYS.
    last_session_end = models.DateTimeField()
    last_message_at = models.DateTimeField(null=True, blank=True)
    seeker_unread = models.PositiveIntegerField(default=0)
    supporter_unread = models.PositiveIntegerField(default=0)
    seeker_unread_from = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supporter_unread_from = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether the current batch (from *_unread_from on) has had its one email.
    seeker_unread_emailed = models.BooleanField(default=False)
    supporter_unread_emailed = models.BooleanField(default=False)
    awaiting_since = models.DateTimeField(null=True, blank=True)
    nudged_for = models.DateTimeField(
        null=True, blank=True, help_text=_("The awaiting_since the supporter was last nudged about.")
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = EncryptedTextField(_("reason for pausing"), null=True, blank=True, max_length=1000)
    # Set while a supervisor's crisis flag on this conversation is open (safety sets and clears it through
    # conversation_safety_flag_set): the supporter sees a calm note, never the words; a supervisor may
    # read the thread while it is set.
    safety_flag_open_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "supporter"], name="conversation_one_per_pair"),
        ]
        indexes = [
            models.Index(
                fields=["awaiting_since"], name="conv_awaiting_idx", condition=Q(awaiting_since__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"

    def side_of(self, user) -> str | None:
        if self.seeker.user_id == user.pk:
            return Side.SEEKER
        if self.supporter.user_id == user.pk:
            return Side.SUPPORTER
        return None


class Message(models.Model):
    """One message. The body is encrypted at rest; order is the id (assigned under the conversation lock)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    body = EncryptedTextField(max_length=settings.MESSAGING_MAX_LENGTH)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="message_conv_id_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"


class MessageReport(models.Model):
    """Someone in the conversation told staff about a message; supervisors see it in their list."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(max_length=1000)
    created_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Report {self.pk} on message {self.message_id}"


class MessagingPreference(models.Model):
    """A person's choice about new-message emails (reply-by nudges to supporters are always sent)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message_emails = models.BooleanField(_("Email me when I have an unread message"), default=True)

    def __str__(self) -> str:
        return f"Messaging preference of {self.user_id}"
