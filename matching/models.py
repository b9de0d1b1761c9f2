"""Matching: the questionnaire's answers and the suggestions they led to, and requests for our team to
suggest someone. Conflicts of interest live in supporters (``SupporterConflict``), below bookings and the
directory, which must honour them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile


class TimeOfDay(models.TextChoices):
    """Parts of the day a seeker may prefer, on the wall clock of their own zone."""

    MORNING = "morning", _("Mornings (before noon)")
    AFTERNOON = "afternoon", _("Afternoons (noon to 5pm)")
    EVENING = "evening", _("Evenings (from 5pm)")


class MatchAnswers(models.Model):
    """A questionnaire's answers and the suggestions worked out from them, saved until it is retaken.

    A signed-out visitor's answers have no seeker yet: their session holds a random token whose hash is
    ``claim_hash``, and signing up claims the row (``handlers.on_user_signed_up``). Tag answers hold tag
    ids; ``days`` are weekdays (0 = Monday) and ``times`` ``TimeOfDay`` values, in ``time_zone``.
    ``suggestions`` is the ranked list shown, ``[{"supporter_id": 3, "score": 7, "reasons": [...]}]``.
    """

    seeker = models.OneToOneField(
        SeekerProfile, on_delete=models.CASCADE, null=True, blank=True, related_name="match_answers"
    )
    claim_hash = models.CharField(max_length=64, blank=True, db_index=True)
    topics = models.JSONField(default=list, blank=True)
    experience = models.JSONField(default=list, blank=True)
    identities = models.JSONField(default=list, blank=True)
    identity_prefer_not = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    days = models.JSONField(default=list, blank=True)
    times = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default=settings.DEFAULT_USER_TIME_ZONE)
    # Only our matching team reads this (a read is written to the access log), encrypted at rest.
    anything_else = EncryptedTextField(_("anything else"), max_length=2000, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = "questionnaire answers"
        verbose_name_plural = "questionnaire answers"
        constraints = [
            models.CheckConstraint(
                condition=Q(seeker__isnull=False) | ~Q(claim_hash=""), name="matchanswers_owner_or_claim"
            ),
        ]

    def __str__(self) -> str:
        return f"Answers of {self.seeker or 'a visitor'}"

    @property
    def suggested_ids(self) -> list[int]:
        return [row["supporter_id"] for row in self.suggestions]


class TeamRequest(models.Model):
    """A seeker asks our team to suggest someone. Answered (up to three supporters, a note each) within
    one business day (``policy.team_request_due``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for our team")
        ANSWERED = "answered", _("Answered")

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="team_requests")
    # What the seeker wants our team to know: encrypted at rest, like the free-text answer.
    note = EncryptedTextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = "request to our team"
        verbose_name_plural = "requests to our team"
        constraints = [
            models.UniqueConstraint(
                fields=["seeker"], condition=Q(status="open"), name="teamrequest_one_open_per_seeker"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="teamrequest_status_due_idx")]

    def __str__(self) -> str:
        return f"Request {self.pk} from {self.seeker}"


class TeamSuggestion(models.Model):
    """One supporter our team suggests in answer to a request, with a note for the seeker."""

    request = models.ForeignKey(TeamRequest, on_delete=models.CASCADE, related_name="suggestions")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note for the seeker"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "supporter"], name="teamsuggestion_unique_supporter"),
        ]

    def __str__(self) -> str:
        return str(self.supporter)
