"""Supervision of supporters: 1:1 and group sessions a supervisor schedules and records, who attended,
and the supervisor's private notes (encrypted at rest)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField
from supporters.models import SupporterProfile

ONE_TO_ONE_MINUTES = (30, 60)  # one 60-minute session, or two of 30, make the month's requirement


class SupervisionSession(models.Model):
    """One supervision meeting. A 1:1 has exactly one attendance row (its supporter); a group session has
    one per invited supporter. Written only by ``services.supervision``."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("1:1 supervision")
        GROUP = "group", _("Group supervision")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_sessions_led"
    )
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    notes = EncryptedTextField(_("private notes"), blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["starts_at"], name="supervision_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=15) & Q(minutes__lte=240), name="supervision_minutes_range"
            ),
            models.CheckConstraint(
                condition=~Q(kind="one_to_one") | Q(minutes__in=ONE_TO_ONE_MINUTES),
                name="supervision_one_to_one_30_or_60",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class SupervisionAttendance(models.Model):
    """A supporter invited to a supervision session; ``attended`` is set when the session is recorded."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="attendances")
    supporter = models.ForeignKey(
        SupporterProfile, on_delete=models.PROTECT, related_name="supervision_attendances"
    )
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "supporter"], name="supervision_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.supporter} at {self.session}"
