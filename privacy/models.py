"""Who read or changed what: an append-only log of staff access to sensitive records.

A small model of our own rather than django-auditlog: we need the page a record was read from and a
guarantee that nobody can edit or delete a row through the application (and, on PostgreSQL, through
the database: a trigger refuses UPDATE and DELETE). django-auditlog's LogEntry has neither.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


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
