"""An application to become a supporter, and every move it made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..stages import Stage


class Application(models.Model):
    """One person's way from applying to being a listed supporter. The stage is written only by
    ``services.hiring.application_move``, which also writes an ``ApplicationEvent``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="application"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.SUBMITTED, db_index=True)
    already_certified = models.BooleanField(
        _("already trained or certified as a peer support specialist"), default=False
    )
    stage_changed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Application {self.pk} ({self.get_stage_display()})"


class ApplicationEvent(models.Model):
    """A stage move: from, to, who moved it (None for the applicant's own or the system's) and a note
    the applicant may see. Append-only in practice: nothing edits or deletes these rows."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="appevent_app_at_idx")]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"
