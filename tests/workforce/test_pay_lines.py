"""Time lines are generated from what happened, each on its Pacific day, at the rate of that day."""

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking
from workforce.models import PaidActivity, PayRate, PayStatementLine, SupervisionSession
from workforce.selectors.pay import time_lines_for_month
from workforce.services import pay, supervision

from .pay_helpers import paid_supporter, pt, session_at, staff_with_role

pytestmark = pytest.mark.django_db
Kind = PayStatementLine.Kind
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def held(supervisor, supporters, start, minutes, kind=SupervisionSession.Kind.ONE_TO_ONE):
    session = supervision.supervision_schedule(
        supervisor=supervisor,
        kind=kind,
        supporter_ids=[s.pk for s in supporters],
        starts_at=start,
        minutes=minutes,
    )
    return supervision.supervision_record(
        session_id=session.pk,
        supervisor=supervisor,
        attended_supporter_ids=[s.pk for s in supporters],
        notes="",
        now=start + dt.timedelta(hours=2),
    )


def kinds_and_days(lines):
    return sorted((line.kind, line.on) for line in lines)


@time_machine.travel(pt(2026, 12, 2, 9), tick=False)
def test_lines_follow_pacific_months_across_the_boundary_and_dst():
    supporter = paid_supporter()
    supervisor = staff_with_role("supervisor")
    # 11pm PT on 31 October is already 1 November in UTC (and the clocks go back on 1 November 2026).
    session_at(supporter, pt(2026, 10, 31, 23))
    session_at(supporter, pt(2026, 11, 1, 10))  # the first day of standard time
    session_at(supporter, pt(2026, 11, 30, 23, 30))  # 07:30 UTC on 1 December: still November
    session_at(supporter, pt(2026, 12, 1, 0))  # midnight PT: December
    held(supervisor, [supporter], pt(2026, 10, 31, 23, 30), 30)  # October, though November in UTC
    held(supervisor, [supporter], pt(2026, 11, 30, 23, 30), 30)
    held(supervisor, [supporter, paid_supporter()], pt(2026, 11, 1, 1, 30), 90, SupervisionSession.Kind.GROUP)
    PaidActivity.objects.create(
        supporter=supporter, kind="orientation", title="Orientation", on=dt.date(2026, 11, 30), minutes=120
    )

    october = time_lines_for_month(month=OCT)[supporter.pk]
    november = time_lines_for_month(month=NOV)[supporter.pk]

    assert kinds_and_days(october) == [
        (Kind.ONE_TO_ONE, dt.date(2026, 10, 31)),
        (Kind.SESSION, dt.date(2026, 10, 31)),
    ]
    assert kinds_and_days(november) == [
        (Kind.GROUP, dt.date(2026, 11, 1)),
        (Kind.ONE_TO_ONE, dt.date(2026, 11, 30)),
        (Kind.ORIENTATION, dt.date(2026, 11, 30)),
        (Kind.SESSION, dt.date(2026, 11, 1)),
        (Kind.SESSION, dt.date(2026, 11, 30)),
    ]
    assert sum(line.minutes for line in november) == 60 + 60 + 90 + 30 + 120


@time_machine.travel(pt(2026, 12, 2, 9), tick=False)
def test_each_line_is_paid_at_the_rate_of_its_day():
    supporter = paid_supporter(cents=2500, since=dt.date(2026, 1, 1))
    pay.pay_rate_set(
        supporter_id=supporter.pk, hourly_cents=3000, effective_from=dt.date(2026, 11, 16), by=None
    )
    session_at(supporter, pt(2026, 11, 15, 23))  # the old rate's last day (Pacific)
    session_at(supporter, pt(2026, 11, 16, 9))

    result = pay.statements_generate(month=NOV)

    statement = supporter.pay_statements.get()
    assert statement.pk in result.created
    assert [(line.on.day, line.rate_cents, line.amount_cents) for line in statement.lines.all()] == [
        (15, 2500, 2500),
        (16, 3000, 3000),
    ]
    assert (statement.total_minutes, statement.total_cents) == (120, 5500)
    history = list(PayRate.objects.filter(supporter=supporter).order_by("effective_from"))
    assert [(r.effective_from, r.effective_to) for r in history] == [
        (dt.date(2026, 1, 1), dt.date(2026, 11, 15)),
        (dt.date(2026, 11, 16), None),
    ]


@pytest.mark.parametrize("paid", [True, False])
@time_machine.travel(pt(2026, 12, 2, 9), tick=False)
def test_seeker_no_shows_and_late_cancellations_follow_the_setting(settings, paid):
    settings.PAY_SEEKER_NO_SHOW_AND_LATE_CANCEL = paid
    supporter = paid_supporter()
    session_at(supporter, pt(2026, 11, 2, 10))
    session_at(supporter, pt(2026, 11, 3, 10), status=Booking.Status.NO_SHOW, no_show_by=Booking.Party.SEEKER)
    session_at(supporter, pt(2026, 11, 4, 10), status=Booking.Status.LATE_CANCELLED)
    # Never paid: the supporter's own no-show, a cancellation in time, one cancelled by the supporter.
    session_at(
        supporter, pt(2026, 11, 5, 10), status=Booking.Status.NO_SHOW, no_show_by=Booking.Party.SUPPORTER
    )
    session_at(supporter, pt(2026, 11, 6, 10), status=Booking.Status.CANCELLED)
    session_at(supporter, pt(2026, 11, 9, 10), status=Booking.Status.CANCELLED_BY_SUPPORTER)

    kinds = sorted(line.kind for line in time_lines_for_month(month=NOV)[supporter.pk])

    assert kinds == (sorted([Kind.SESSION, Kind.NO_SHOW, Kind.LATE_CANCEL]) if paid else [Kind.SESSION])


def test_rates_never_overlap_and_history_is_kept():
    supporter = paid_supporter(since=dt.date(2026, 3, 1))
    with pytest.raises(pay.PayError):
        pay.pay_rate_set(
            supporter_id=supporter.pk, hourly_cents=2700, effective_from=dt.date(2026, 3, 1), by=None
        )
    with pytest.raises(pay.PayError):
        pay.pay_rate_set(
            supporter_id=supporter.pk, hourly_cents=2700, effective_from=dt.date(2026, 2, 1), by=None
        )
    with pytest.raises(pay.PayError):
        pay.pay_rate_set(
            supporter_id=supporter.pk, hourly_cents=0, effective_from=dt.date(2026, 4, 1), by=None
        )
    pay.pay_rate_set(
        supporter_id=supporter.pk, hourly_cents=2700, effective_from=dt.date(2026, 4, 1), by=None
    )
    assert PayRate.objects.filter(supporter=supporter).count() == 2
    assert PayRate.objects.filter(supporter=supporter, effective_to__isnull=True).get().hourly_cents == 2700


def test_amounts_round_to_the_cent():
    assert pay.amount_for(60, 2550) == 2550
    assert pay.amount_for(30, 2555) == 1278  # 1277.5 rounds up
    assert pay.amount_for(-30, 2555) == -1278
    assert pay.amount_for(90, 2000) == 3000
