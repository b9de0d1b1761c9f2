"""Mandatory reports: filing, addenda, the supervisors' review and the two-supervisor rule, append-only
rows (the model, the queryset and the database), the review emails, the queue section."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from notifications.models import Notification
from safety import services
from safety.models import AppendOnlyError, MandatoryReport, ReportAddendum, ReportReview
from safety.queue import items
from safety.report_selectors import queue_items
from tests.factories import BookingFactory
from tests.safety.people import DISCLOSED, STEPS, filed, session, supervisor

pytestmark = pytest.mark.django_db


def test_report_file_is_stored_encrypted_and_asks_every_supervisor_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    first, second = supervisor(), supervisor()
    booking = session()
    with django_capture_on_commit_callbacks(execute=True):
        report = filed(booking)
    report.refresh_from_db()
    assert report.disclosed == DISCLOSED and report.booking == booking
    with connection.cursor() as cursor:
        cursor.execute("SELECT disclosed, steps_taken FROM safety_mandatoryreport WHERE id = %s", [report.pk])
        raw = " ".join(cursor.fetchone())
    assert "DISCLOSED" not in raw and "STEPS" not in raw
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert {m.subject for m in mailoutbox} == {"A mandatory report needs review"}
    # Filing the emails again (a rerun) queues nothing new.
    services.reports._email_supervisors(report)
    assert Notification.objects.filter(key__startswith=f"mandatory-report-{report.pk}-").count() == 2


def test_no_email_carries_any_report_text(django_capture_on_commit_callbacks, mailoutbox):
    supervisor()
    with django_capture_on_commit_callbacks(execute=True):
        report = filed()
    for notification in Notification.objects.all():
        rendered = " ".join([notification.subject, notification.body_text, notification.body_html])
        for secret in (DISCLOSED, STEPS, "DISCLOSED", "STEPS", report.booking.seeker.user.first_name):
            assert secret not in rendered
        assert f"/safety/reports/{report.pk}/" in notification.body_text
        assert "988" in notification.body_text
    assert mailoutbox


def test_a_supporter_can_only_file_about_their_own_session():
    mine, theirs = session(), session()
    with pytest.raises(services.ReportError):
        services.report_file(
            supporter=mine.supporter,
            booking_id=theirs.pk,
            concern_type="child",
            disclosed="x",
            steps_taken="y",
        )
    with pytest.raises(services.ReportError):
        services.report_file(
            supporter=mine.supporter,
            booking_id=mine.pk,
            concern_type="child",
            disclosed="  ",
            steps_taken="y",
        )
    assert not MandatoryReport.objects.exists()


def test_addenda_come_only_from_the_filer_and_leave_the_report_as_filed():
    report = filed()
    addendum = services.report_addendum_add(
        report_id=report.pk, user=report.supporter.user, text="Correction: Tuesday"
    )
    assert addendum.text == "Correction: Tuesday"
    with pytest.raises(services.ReportError):
        services.report_addendum_add(report_id=report.pk, user=session().supporter.user, text="Not mine")
    with pytest.raises(services.ReportError):
        services.report_addendum_add(
            report_id=report.pk, user=supervisor(), text="Supervisors review instead"
        )
    report.refresh_from_db()
    assert report.disclosed == DISCLOSED
    assert list(report.addenda.values_list("text", flat=True)) == ["Correction: Tuesday"]


def test_reported_outcome_needs_an_acknowledgement_and_closes_the_report():
    boss = supervisor()
    report = filed()
    when = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(services.ReportError, match="acknowledge"):
        services.report_record_reported(
            report_id=report.pk, supervisor=boss, agency_name="County CWS", reference="R-1", reported_at=when
        )
    services.report_acknowledge(report_id=report.pk, supervisor=boss)
    services.report_acknowledge(report_id=report.pk, supervisor=supervisor())  # the first stays
    assert report.reviews.get(kind="acknowledged").by == boss
    review = services.report_record_reported(
        report_id=report.pk, supervisor=boss, agency_name="County CWS", reference="R-1", reported_at=when
    )
    assert (review.agency_name, review.reference, review.reported_at) == ("County CWS", "R-1", when)
    with pytest.raises(services.ReportError, match="already"):
        services.report_record_not_reported(report_id=report.pk, supervisor=boss, reason="Changed my mind")
    assert queue_items(timezone.now()) == []


def test_not_reported_needs_a_second_different_supervisor():
    first, second = supervisor(), supervisor()
    report = filed()
    services.report_acknowledge(report_id=report.pk, supervisor=first)
    services.report_record_not_reported(
        report_id=report.pk, supervisor=first, reason="Not reportable: adult, past"
    )
    with pytest.raises(services.ReportError, match="second supervisor"):
        services.report_confirm_not_reported(report_id=report.pk, supervisor=first)
    assert not report.reviews.filter(kind="confirmed").exists()
    [item] = queue_items(timezone.now())
    assert item.action_label == "Confirm as a second supervisor"
    services.report_confirm_not_reported(report_id=report.pk, supervisor=second)
    assert report.reviews.get(kind="confirmed").by == second
    assert queue_items(timezone.now()) == []


def test_only_supervisors_review():
    report = filed()
    with pytest.raises(services.ReportError):
        services.report_acknowledge(report_id=report.pk, supervisor=report.supporter.user)
    assert not ReportReview.objects.exists()


def test_one_outcome_per_report_in_the_database_too():
    boss = supervisor()
    report = filed()
    ReportReview.objects.create(report=report, kind="not_reported", by=boss, reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportReview.objects.create(report=report, kind="reported", by=boss, reported_at=timezone.now())


@pytest.fixture
def rows(db):
    boss = supervisor()
    report = filed()
    addendum = services.report_addendum_add(report_id=report.pk, user=report.supporter.user, text="More")
    review = services.report_acknowledge(report_id=report.pk, supervisor=boss)
    return [report, addendum, review]


def test_rows_cannot_be_changed_or_deleted_through_the_orm(rows):
    for row in rows:
        model = type(row)
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(AppendOnlyError):
            model.objects.filter(pk=row.pk).update(at=timezone.now()) if model is not MandatoryReport else (
                model.objects.filter(pk=row.pk).update(concern_type="other")
            )
        with pytest.raises(AppendOnlyError):
            model.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        MandatoryReport.objects.all().update(disclosed="rewritten")
    assert MandatoryReport.objects.get().concern_type == "child"


def _bare(model):
    """A queryset without the append-only guards: what a careless migration or shell would use."""
    return models.QuerySet(model=model)


def test_the_database_refuses_updates_that_get_past_the_models(rows):
    report, addendum, review = rows
    attempts = [
        (MandatoryReport, report.pk, {"concern_type": "other"}),
        (MandatoryReport, report.pk, {"booking": BookingFactory()}),
        (ReportAddendum, addendum.pk, {"at": timezone.now() - dt.timedelta(days=1)}),
        (ReportReview, review.pk, {"kind": "reported", "reported_at": timezone.now()}),
    ]
    if connection.vendor == "postgresql":  # SQLite's trigger guards the plain columns only (migration 0002)
        attempts += [
            (MandatoryReport, report.pk, {"disclosed": "rewritten"}),
            (ReportAddendum, addendum.pk, {"text": "rewritten"}),
        ]
    for model, pk, change in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            _bare(model).filter(pk=pk).update(**change)
    report.refresh_from_db()
    assert (report.concern_type, report.disclosed) == ("child", DISCLOSED)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test flush deletes rows: no DELETE trigger"
)
def test_postgresql_refuses_deletes_and_updates_in_sql(rows):
    for sql in [
        "DELETE FROM safety_reportaddendum",
        "DELETE FROM safety_reportreview",
        "DELETE FROM safety_mandatoryreport",
        "UPDATE safety_mandatoryreport SET steps_taken = 'x'",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    for model in (MandatoryReport, ReportAddendum, ReportReview):
        with pytest.raises(DatabaseError), transaction.atomic():
            _bare(model).all().delete()
    assert (
        MandatoryReport.objects.count() == ReportAddendum.objects.count() == ReportReview.objects.count() == 1
    )


def test_deleting_the_booking_behind_a_report_is_refused(rows):
    with pytest.raises(models.ProtectedError):
        rows[0].booking.delete()


def test_the_queue_section_lists_open_reports_with_the_acknowledgement_clock(
    django_assert_max_num_queries, settings
):
    boss = supervisor(first_name="Ada")
    reports = [filed() for _ in range(3)]
    services.report_acknowledge(report_id=reports[1].pk, supervisor=boss)
    closed = filed()
    services.report_acknowledge(report_id=closed.pk, supervisor=boss)
    services.report_record_reported(
        report_id=closed.pk, supervisor=boss, agency_name="A", reference="B", reported_at=timezone.now()
    )
    now = timezone.now()
    with django_assert_max_num_queries(1):
        found = queue_items(now)
    assert [item.url for item in found] == [f"/safety/reports/{r.pk}/" for r in reports]
    assert found[0].due_at == reports[0].filed_at + settings.SAFETY_REPORT_ACKNOWLEDGE_WITHIN
    assert found[0].action_label == "Acknowledge" and found[0].assignee_name == ""
    assert found[1].due_at is None and found[1].assignee_name == "Ada"
    assert found[1].action_label == "Record the outcome"
    for item in found:
        assert "DISCLOSED" not in item.title
    sections = {section.key: found for section, found in items(now)}
    assert len(sections["mandatory_report"]) == 3
