"""Mandatory reports: what a supporter filed, what they added later, and what supervisors did with it.

All three tables are append-only. A report is a legal record: once filed it is never edited or deleted,
by anyone. A correction is an addendum (``ReportAddendum``); a supervisor's acknowledgement and outcome
are rows of their own (``ReportReview``). Three layers refuse a change:

- the service layer has no update or delete function (``safety.services.reports``);
- the models and their querysets raise ``AppendOnlyError`` on ``save()`` of an existing row,
  ``delete()``, ``QuerySet.update()`` and ``QuerySet.delete()``;
- the database: a trigger on each table refuses UPDATE and DELETE (migration
  ``0002_reports_append_only_triggers``; PostgreSQL and SQLite). Deleting a row that points at a report
  (its booking, its supporter, a supervisor's account) is refused too (``on_delete=PROTECT``).

A report's state is derived from its reviews, never stored on the report (that would be an update).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peersnet.kernel.crypto import EncryptedTextField


class AppendOnlyError(Exception):
    """Someone tried to change or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows are append-only: they can't be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows are append-only: they can't be deleted.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    append_only = True  # for generic tests that would otherwise save every model again
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} rows are append-only: they can't be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows are append-only: they can't be deleted.")


class ConcernType(models.TextChoices):
    CHILD = "child", "Abuse or neglect of a child"
    ELDER = "elder", "Abuse or neglect of an elder"
    DEPENDENT_ADULT = "dependent_adult", "Abuse or neglect of a dependent adult"
    SERIOUS_HARM = "serious_harm", "Risk of serious harm to someone"
    OTHER = "other", "Something else"


class MandatoryReport(AppendOnlyModel):
    """What a supporter learned in a session or a conversation and must report, filed once."""

    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="+")
    supporter = models.ForeignKey(
        "supporters.SupporterProfile", on_delete=models.PROTECT, related_name="mandatory_reports"
    )
    concern_type = models.CharField(max_length=20, choices=ConcernType.choices)
    disclosed = EncryptedTextField(help_text="What was disclosed, in the supporter's words.")
    steps_taken = EncryptedTextField(help_text="What the supporter did straight away.")
    filed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        default_permissions = ("view",)
        verbose_name = "mandatory report"

    def __str__(self) -> str:
        return f"Mandatory report {self.pk}"


class ReportAddendum(AppendOnlyModel):
    """A correction or an addition to a report, by the supporter who filed it. The report stays as filed."""

    report = models.ForeignKey(MandatoryReport, on_delete=models.PROTECT, related_name="addenda")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ("view",)
        verbose_name = "report addendum"
        verbose_name_plural = "report addenda"

    def __str__(self) -> str:
        return f"Addendum {self.pk} to report {self.report_id}"


class ReportReview(AppendOnlyModel):
    """One step a supervisor took on a report. A report is closed by an outcome of "reported to the agency",
    or by "not reported" *and* a confirmation of it by a second, different supervisor."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REPORTED = "reported", "Reported to the agency"
        NOT_REPORTED = "not_reported", "Not reported"
        CONFIRMED = "confirmed", "Not reporting confirmed by a second supervisor"

    OUTCOMES = (Kind.REPORTED, Kind.NOT_REPORTED)

    report = models.ForeignKey(MandatoryReport, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # "reported": which agency, its reference for the report, and when it was reported to it.
    agency_name = EncryptedTextField(blank=True, default="")
    reference = EncryptedTextField(blank=True, default="")
    reported_at = models.DateTimeField(null=True, blank=True)
    # "not reported": why not (a second supervisor confirms it).
    reason = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ("view",)
        verbose_name = "report review"
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(kind="acknowledged"), name="report_acknowledged_once"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind__in=["reported", "not_reported"]),
                name="report_one_outcome",
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(kind="confirmed"), name="report_confirmed_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="reported", reported_at__isnull=False) | ~Q(kind="reported"),
                name="report_reported_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (report {self.report_id})"


class ReportEscalation(AppendOnlyModel):
    """A report still unacknowledged past its deadline (``SAFETY_REPORT_ACKNOWLEDGE_WITHIN``), escalated by
    email to every supervisor and the operations team. One row per report, written in the transaction that
    queues those emails: the unique report is the claim, so two sweeps at once escalate it once."""

    report = models.OneToOneField(MandatoryReport, on_delete=models.PROTECT, related_name="escalation")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        verbose_name = "report escalation"

    def __str__(self) -> str:
        return f"Escalation of report {self.report_id}"
