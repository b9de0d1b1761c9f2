"""Mandatory reports: filing, addenda and the supervisors' review. Every function here adds rows; there is
no function that changes or deletes one (the models and the database refuse it too: safety.models.reports).

Routing: filing a report queues one email per supervisor ("a mandatory report needs review", a link and
nothing of the report), once per report and person (outbox idempotency keys). The report then sits in the
supervisor queue (safety.report_selectors.queue_items) until it is closed: acknowledged, and an outcome
recorded (reported to the agency; or not reported *and* confirmed by a second, different supervisor).
A report nobody has acknowledged ``SAFETY_REPORT_ACKNOWLEDGE_WITHIN`` after filing is escalated once, to
every supervisor and the operations team (:func:`reports_escalate_overdue`, every five minutes).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from notifications.services import Email, notification_queue_many
from peersnet.errors import DomainError
from privacy.roles import OPERATIONS, SUPERVISOR, is_supervisor
from supporters.models import SupporterProfile

from ..models import ConcernType, MandatoryReport, ReportAddendum, ReportEscalation, ReportReview

MAX_TEXT = 10_000  # characters of one text field: room for a careful account, not for a pasted file


class ReportError(DomainError):
    pass


def supervisors():
    """Every active staff member in the supervisor group (superusers are not paged for being superusers)."""
    return (
        User.objects.filter(is_active=True, is_staff=True, groups__name=SUPERVISOR).order_by("pk").distinct()
    )


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ReportError(f"Please write {what}.", code="required")
    if len(value) > MAX_TEXT:
        raise ReportError(f"Please keep {what} under {MAX_TEXT:,} characters.", code="too_long")
    return value


@transaction.atomic
def report_file(
    *, supporter: SupporterProfile, booking_id: int, concern_type: str, disclosed: str, steps_taken: str
) -> MandatoryReport:
    """File a report about one of ``supporter``'s own bookings and queue the review email to every
    supervisor (one row per supervisor, keyed by report and person: sent once, after commit, no contents).
    A booking that isn't the supporter's is refused with the same message as one that doesn't exist."""
    booking = Booking.objects.filter(pk=booking_id, supporter=supporter).first()
    if booking is None:
        raise ReportError("Please choose one of your sessions.", code="booking")
    if concern_type not in ConcernType.values:
        raise ReportError("Please choose what the concern is about.", code="concern_type")
    report = MandatoryReport.objects.create(
        booking=booking,
        supporter=supporter,
        concern_type=concern_type,
        disclosed=_text(disclosed, "what was disclosed"),
        steps_taken=_text(steps_taken, "the steps you took"),
        filed_at=timezone.now(),
    )
    _email_supervisors(report)
    return report


def _email_supervisors(report: MandatoryReport) -> None:
    _email_about(
        report,
        supervisors(),
        key="review",
        subject="A mandatory report needs review",
        first_line=(
            "A supporter has filed a mandatory report. A supervisor needs to acknowledge it and record what "
            "happens next."
        ),
    )


def _email_about(report: MandatoryReport, users, *, key: str, subject: str, first_line: str) -> None:
    """One email per person about ``report``: a link and nothing of the report, keyed by report, ``key`` and
    person in the outbox, so each is sent once."""
    url = settings.SITE_URL + reverse("safety:report_detail", args=[report.pk])
    notification_queue_many(
        [
            Email(
                key=f"mandatory-report-{report.pk}-{key}-{user.pk}",
                to=user.email,
                subject=subject,
                template="email/notice",
                context={
                    "subject": subject,
                    "name": user.get_short_name(),
                    "lines": [
                        first_line,
                        "The report is on the site only, behind your sign-in; this email carries none of it.",
                    ],
                    "action_label": "Open the report",
                    "action_url": url,
                },
            )
            for user in users
        ]
    )


@transaction.atomic
def report_addendum_add(*, report_id: int, user: User, text: str) -> ReportAddendum:
    """Add a correction or an addition to a report. Only the supporter who filed it may; anyone else gets
    the "not found" answer. The report itself stays as filed."""
    report = MandatoryReport.objects.select_for_update().filter(pk=report_id, supporter__user=user).first()
    if report is None:
        raise ReportError("This report can't be found.", code="not_found")
    return ReportAddendum.objects.create(
        report=report, by=user, at=timezone.now(), text=_text(text, "your addendum")
    )


def _locked_for_supervisor(
    report_id: int, supervisor: User
) -> tuple[MandatoryReport, dict[str, ReportReview]]:
    if not is_supervisor(supervisor):
        raise ReportError("Only supervisors can review reports.", code="not_supervisor")
    report = MandatoryReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise ReportError("This report can't be found.", code="not_found")
    return report, {review.kind: review for review in report.reviews.all()}


@transaction.atomic
def report_acknowledge(*, report_id: int, supervisor: User) -> ReportReview:
    """A supervisor has seen the report and is taking it. Safe to repeat: the first acknowledgement stays
    (locks the report row)."""
    report, reviews = _locked_for_supervisor(report_id, supervisor)
    if ReportReview.Kind.ACKNOWLEDGED in reviews:
        return reviews[ReportReview.Kind.ACKNOWLEDGED]
    return ReportReview.objects.create(report=report, kind=ReportReview.Kind.ACKNOWLEDGED, by=supervisor)


def _outcome_allowed(reviews: dict[str, ReportReview]) -> None:
    if ReportReview.Kind.ACKNOWLEDGED not in reviews:
        raise ReportError("Please acknowledge the report first.", code="not_acknowledged")
    if any(kind in reviews for kind in ReportReview.OUTCOMES):
        raise ReportError("An outcome is already recorded for this report.", code="has_outcome")


@transaction.atomic
def report_record_reported(
    *, report_id: int, supervisor: User, agency_name: str, reference: str, reported_at: dt.datetime
) -> ReportReview:
    """Outcome: reported to the agency, with its name, the reference it gave and when. Closes the report.
    Needs an acknowledgement first; one outcome per report (a database constraint too)."""
    report, reviews = _locked_for_supervisor(report_id, supervisor)
    _outcome_allowed(reviews)
    if reported_at > timezone.now() + dt.timedelta(minutes=5):
        raise ReportError("The time it was reported can't be in the future.", code="future")
    return ReportReview.objects.create(
        report=report,
        kind=ReportReview.Kind.REPORTED,
        by=supervisor,
        agency_name=_text(agency_name, "the agency's name")[:300],
        reference=_text(reference, "the agency's reference number")[:200],
        reported_at=reported_at,
    )


@transaction.atomic
def report_record_not_reported(*, report_id: int, supervisor: User, reason: str) -> ReportReview:
    """Outcome: not reported, and why. The report stays open until a second supervisor confirms it."""
    report, reviews = _locked_for_supervisor(report_id, supervisor)
    _outcome_allowed(reviews)
    return ReportReview.objects.create(
        report=report, kind=ReportReview.Kind.NOT_REPORTED, by=supervisor, reason=_text(reason, "the reason")
    )


@transaction.atomic
def report_confirm_not_reported(*, report_id: int, supervisor: User) -> ReportReview:
    """A second supervisor, not the one who decided, confirms "not reported"; that closes the report.
    Safe to repeat (the first confirmation stays)."""
    report, reviews = _locked_for_supervisor(report_id, supervisor)
    decided = reviews.get(ReportReview.Kind.NOT_REPORTED)
    if decided is None:
        raise ReportError("There is no decision not to report to confirm.", code="nothing_to_confirm")
    if ReportReview.Kind.CONFIRMED in reviews:
        return reviews[ReportReview.Kind.CONFIRMED]
    if decided.by_id == supervisor.pk:
        raise ReportError(
            "A second supervisor has to confirm this: you recorded the decision yourself.",
            code="same_supervisor",
        )
    return ReportReview.objects.create(report=report, kind=ReportReview.Kind.CONFIRMED, by=supervisor)


ESCALATE_BATCH = 200  # reports per sweep; the rest wait five minutes (there should never be that many)


def reports_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every report still unacknowledged ``SAFETY_REPORT_ACKNOWLEDGE_WITHIN`` after it was filed:
    an email to every supervisor and every operations team member, with a link and nothing of the report.

    Each report is escalated in its own transaction, which locks the report row first (as an
    acknowledgement does), checks again that nobody acknowledged it, then writes its ``ReportEscalation``
    (unique per report) and queues the emails (outbox keys per report and person). Two sweeps at once, or
    a rerun, escalate a report once; an acknowledgement at the same moment wins or waits. Returns how many
    reports were escalated."""
    now = now or timezone.now()
    overdue = (
        MandatoryReport.objects.filter(
            filed_at__lte=now - settings.SAFETY_REPORT_ACKNOWLEDGE_WITHIN, escalation__isnull=True
        )
        .exclude(reviews__kind=ReportReview.Kind.ACKNOWLEDGED)
        .order_by("filed_at", "pk")
        .values_list("pk", flat=True)
    )
    escalated = 0
    for report_id in list(overdue[:ESCALATE_BATCH]):
        try:
            with transaction.atomic():
                report = MandatoryReport.objects.select_for_update().get(pk=report_id)
                if report.reviews.filter(kind=ReportReview.Kind.ACKNOWLEDGED).exists():
                    continue
                ReportEscalation.objects.create(report=report, at=now)
                _email_overdue(report, now=now)
        except IntegrityError:  # another sweep escalated it first
            continue
        escalated += 1
    return escalated


def _escalation_recipients():
    return (
        User.objects.filter(is_active=True, is_staff=True, groups__name__in=[SUPERVISOR, OPERATIONS])
        .order_by("pk")
        .distinct()
    )


def _email_overdue(report: MandatoryReport, *, now: dt.datetime) -> None:
    hours = int((now - report.filed_at).total_seconds() // 3600)
    _email_about(
        report,
        _escalation_recipients(),
        key="overdue",
        subject="A mandatory report is still waiting for a supervisor",
        first_line=(
            f"A supporter filed a mandatory report {hours} hours ago and no supervisor has acknowledged it "
            "yet. Reporting duties run on deadlines of their own, so please make sure a supervisor takes it "
            "now."
        ),
    )
