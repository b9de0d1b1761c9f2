"""A mandatory report nobody has acknowledged within SAFETY_REPORT_ACKNOWLEDGE_WITHIN (24 wall-clock hours)
is escalated once, to every supervisor and the operations team: a link and nothing of the report. Never
before the deadline, never once acknowledged, once only with two sweeps at once (PostgreSQL)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection

from notifications.models import Notification
from safety import services, tasks
from safety.models import ReportEscalation
from tests.concurrency import postgresql_only, race
from tests.factories import StaffFactory
from tests.safety.people import DISCLOSED, STEPS, filed, supervisor

from .conftest import MONDAY_10AM

SUBJECT = "A mandatory report is still waiting for a supervisor"


def people() -> set[str]:
    """Two supervisors and one operations member (emailed); plain staff and an inactive supervisor (not)."""
    first, second = supervisor(email="sup1@example.com"), supervisor(email="sup2@example.com")
    ops = StaffFactory(email="ops@example.com")
    ops.groups.add(Group.objects.get_or_create(name="operations")[0])
    StaffFactory(email="staff@example.com")
    supervisor(email="gone@example.com", is_active=False)
    return {first.email, second.email, ops.email}


def overdue_emails() -> list[Notification]:
    return list(Notification.objects.filter(key__contains="-overdue-"))


@pytest.mark.django_db
def test_an_unacknowledged_report_is_escalated_once_at_its_deadline(
    monday, mailoutbox, django_capture_on_commit_callbacks
):
    expected = people()
    report = filed()
    monday.shift(dt.timedelta(hours=23, minutes=59))
    assert services.reports_escalate_overdue() == 0  # not due yet
    monday.shift(dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_overdue_reports.delay()
        tasks.escalate_overdue_reports.delay()  # a rerun
    assert ReportEscalation.objects.get(report=report).at == MONDAY_10AM + dt.timedelta(hours=24)
    sent = [m for m in mailoutbox if m.subject == SUBJECT]
    assert sorted(m.to[0] for m in sent) == sorted(expected)
    for email in sent:
        html = email.alternatives[0][0]
        for secret in (DISCLOSED, STEPS, "DISCLOSED", "STEPS", report.booking.seeker.user.first_name):
            assert secret not in email.subject and secret not in email.body and secret not in html
        assert f"/safety/reports/{report.pk}/" in email.body
        assert "24 hours ago" in email.body and "988" in email.body
    monday.shift(dt.timedelta(days=2))
    assert services.reports_escalate_overdue() == 0  # once only, later too
    assert len(overdue_emails()) == len(expected)


@pytest.mark.django_db
def test_an_acknowledged_report_is_never_escalated(monday):
    people()
    report = filed()
    services.report_acknowledge(report_id=report.pk, supervisor=supervisor())
    monday.shift(dt.timedelta(days=3))
    assert services.reports_escalate_overdue() == 0
    assert not ReportEscalation.objects.exists() and not overdue_emails()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_report_once():
    with time_machine.travel(MONDAY_10AM, tick=False):
        expected = people()
        reports = [filed() for _ in range(3)]
    with time_machine.travel(MONDAY_10AM + dt.timedelta(days=1, minutes=5), tick=False):
        results = race([services.reports_escalate_overdue, services.reports_escalate_overdue])
    assert connection.vendor == "postgresql"
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(reports)
    assert ReportEscalation.objects.count() == len(reports)
    sent = [(n.key, n.to) for n in overdue_emails()]
    assert len(sent) == len(reports) * len(expected) and {to for _key, to in sent} == expected
