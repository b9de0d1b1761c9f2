"""Who read or changed what: an append-only log of staff access to sensitive records.

A small model of our own rather than django-auditlog: we need the page a record was read from and a
guarantee that nobody can edit or delete a row through the application (and, on PostgreSQL, through
the database: a trigger refuses UPDATE and DELETE). django-auditlog's LogEntry has neither.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peersnet.kernel.crypto import EncryptedTextField


class AppendOnlyError(Exception):
    """An attempt to change or delete an access-log row."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only: rows can't be changed.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only: rows can't be deleted.")

    _raw_delete = delete


class AccessLog(models.Model):
    class Kind(models.TextChoices):
        READ = "read", "read"
        CHANGE = "change", "changed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a person who read records is never deleted outright (staff deletion anonymises).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    # A label without personal data ("Intake for booking 123"), so the log stays readable after deletion.
    record = models.CharField(max_length=200)
    page = models.CharField(max_length=300, help_text="The path the record was opened from.")
    # For changes: {field: [before, after]} of non-secret fields; encrypted fields appear as
    # {field: "changed"} and never with their text.
    changes = models.JSONField(default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="accesslog_record"),
            models.Index(fields=["actor", "-at"], name="accesslog_actor"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.record} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only: rows can't be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only: rows can't be deleted.")


class DataExport(models.Model):
    """A person's copy of their data, as JSON: asked for on My account, built by a task, downloaded
    through our own view by its owner only, until ``expires_at``.

    The file lives in this row, encrypted at rest like the intake it contains (``content``): no public
    URL, no file on one web host's disk, and the same key rotation. Its content is erased when the link
    expires (privacy.tasks.purge_expired_exports) and when the account is deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_exports")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    content = EncryptedTextField(blank=True, default="")
    size_bytes = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A second request while one is being prepared starts nothing new.
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="export_one_pending")
        ]

    def __str__(self) -> str:
        return f"Data export {self.pk} of user {self.user_id} ({self.status})"

    def is_expired(self, at) -> bool:
        return self.status == self.Status.EXPIRED or (self.expires_at is not None and at >= self.expires_at)


class Erasure(models.Model):
    """An account that was deleted: when, and who asked (the person, or staff on their behalf). The user
    row stays, anonymised, so that bookings and payments keep pointing at someone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Account {self.user_id} deleted {self.erased_at:%Y-%m-%d %H:%M}"
