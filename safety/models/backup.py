"""Immediate backup for supporters: who is on duty, and each time a supporter asked for help."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from peersnet.kernel.crypto import EncryptedTextField


class DutyShift(models.Model):
    """A supervisor on duty for backup requests between two instants. Outside every shift, a request
    pages all supervisors. Kept by operations in the admin."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        limit_choices_to={"is_staff": True, "is_active": True, "groups__name": "supervisor"},
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="dutyshift_span")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="dutyshift_ends_after_start")
        ]
        verbose_name = "duty shift"

    def __str__(self) -> str:
        return f"Duty shift {self.pk}"


class BackupRequest(models.Model):
    """A supporter pressed "Get backup now" during or just after a session. Open until a supervisor
    acknowledges it; one open request per booking (pressing again shows the same one)."""

    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="+")
    supporter = models.ForeignKey(
        "supporters.SupporterProfile", on_delete=models.PROTECT, related_name="backup_requests"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True, default="")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "backup request"
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(acknowledged_at__isnull=True),
                name="backup_one_open_per_booking",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="backup_acknowledged_by_and_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Backup request {self.pk}"
