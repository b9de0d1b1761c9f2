"""Reads of mandatory reports: a supporter's own, one for its page, and the supervisor queue's section."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse

from .models import MandatoryReport, ReportReview
from .queue import QueueItem

Kind = ReportReview.Kind


def _has(kind_or_kinds) -> Exists:
    kinds = kind_or_kinds if isinstance(kind_or_kinds, (list, tuple)) else [kind_or_kinds]
    return Exists(ReportReview.objects.filter(report=OuterRef("pk"), kind__in=kinds))


def _with_stage(reports: QuerySet[MandatoryReport]) -> QuerySet[MandatoryReport]:
    acknowledged_by = ReportReview.objects.filter(report=OuterRef("pk"), kind=Kind.ACKNOWLEDGED)
    return reports.annotate(
        is_acknowledged=_has(Kind.ACKNOWLEDGED),
        is_reported=_has(Kind.REPORTED),
        is_not_reported=_has(Kind.NOT_REPORTED),
        is_confirmed=_has(Kind.CONFIRMED),
        acknowledged_by_name=Subquery(acknowledged_by.values("by__first_name")[:1]),
        acknowledged_by_email=Subquery(acknowledged_by.values("by__email")[:1]),
    )


def stage_of(report: MandatoryReport) -> str:
    """Where the report stands, in words (on an annotated report)."""
    if report.is_reported:
        return "Closed: reported to the agency"
    if report.is_confirmed:
        return "Closed: not reported, confirmed by a second supervisor"
    if report.is_not_reported:
        return "Not reported: waiting for a second supervisor to confirm"
    if report.is_acknowledged:
        return "Acknowledged: outcome to be recorded"
    return "Waiting for a supervisor to acknowledge it"


def report_list_for_supporter(*, user) -> list[MandatoryReport]:
    """The reports ``user`` filed, newest first, with their stage (two queries whatever the number)."""
    reports = list(
        _with_stage(MandatoryReport.objects.filter(supporter__user=user)).select_related(
            "booking__seeker__user"
        )
    )
    for report in reports:
        report.stage = stage_of(report)
    return reports


def report_get_for_viewer(*, report_id: int, user, supervisor: bool) -> MandatoryReport | None:
    """The report if ``user`` may read it: its filer, or any supervisor. None otherwise (a 404)."""
    reports = MandatoryReport.objects.select_related("booking__seeker__user", "supporter__user")
    if not supervisor:
        reports = reports.filter(supporter__user=user)
    report = _with_stage(reports).filter(pk=report_id).first()
    if report is not None:
        report.stage = stage_of(report)
        report.review_rows = {review.kind: review for review in report.reviews.select_related("by")}
        report.addendum_rows = list(report.addenda.select_related("by"))
    return report


def queue_items(now: dt.datetime) -> list[QueueItem]:
    """The queue section: every report not yet closed, oldest first, in one query. The clock runs on the
    acknowledgement (SAFETY_REPORT_ACKNOWLEDGE_WITHIN after filing, 24 hours by default); after that the
    item stays until an outcome is recorded (and, for "not reported", confirmed), without a clock.

    Wall-clock hours, not operating hours (unlike crisis flags): the duty to report and an agency's own
    time limits run on the calendar, nights and weekends included, so a report filed on Friday evening
    must not wait for Monday. A day leaves a supervisor on any ordinary rota time to see it."""
    reports = (
        _with_stage(MandatoryReport.objects.all())
        .filter(is_reported=False, is_confirmed=False)
        .order_by("filed_at", "pk")
    )
    found = []
    for report in reports:
        if not report.is_acknowledged:
            action, due = "Acknowledge", report.filed_at + settings.SAFETY_REPORT_ACKNOWLEDGE_WITHIN
        elif report.is_not_reported:
            action, due = "Confirm as a second supervisor", None
        else:
            action, due = "Record the outcome", None
        found.append(
            QueueItem(
                kind="mandatory_report",
                title=f"Mandatory report {report.pk}: {stage_of(report).lower()}",
                opened_at=report.filed_at,
                due_at=due,
                url=reverse("safety:report_detail", args=[report.pk]),
                action_label=action,
                assignee_name=report.acknowledged_by_name or (report.acknowledged_by_email or ""),
            )
        )
    return found
