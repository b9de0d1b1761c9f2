"""Onboarding: the two weeks between reaching "onboarding" and being activated, and the code of ethics
acknowledgements."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .hiring import Application


class Onboarding(models.Model):
    """One supporter's onboarding, opened when their application enters ``Stage.ONBOARDING`` (by
    ``services.onboarding.onboarding_begin``). What is done is mostly read from the data itself (the
    profile, photo, hours, two-factor, ethics acknowledgement); staff record the orientation here."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="onboarding")
    supporter = models.OneToOneField(
        "supporters.SupporterProfile", on_delete=models.PROTECT, related_name="onboarding"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    orientation_attended_at = models.DateTimeField(null=True, blank=True)
    orientation_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nudged_at = models.DateTimeField(null=True, blank=True)  # the 10-day reminder was queued
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["started_at"],
                condition=models.Q(activated_at__isnull=True),
                name="onboarding_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Onboarding of {self.supporter}"


class EthicsAcknowledgement(models.Model):
    """A person read a version of our code of ethics and said they will follow it (append-only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=16)
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="ethics_ack_once_per_version")
        ]
        verbose_name = _("code of ethics acknowledgement")

    def __str__(self) -> str:
        return f"Code of ethics {self.version}"
