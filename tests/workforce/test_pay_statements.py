"""Monthly statements: generated once per supporter and month (also under two runs at once), locked,
corrected by adjustments on the next statement; the payroll CSVs equal the statements."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from tests.concurrency import postgresql_only, race
from workforce import payroll, tasks
from workforce.models import PayAdjustment, PayStatement, PayStatementLine, SupervisionSession
from workforce.services import pay, supervision

from .pay_helpers import paid_supporter, pt, session_at, staff_with_role

NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def november_world():
    """Two supporters with November sessions and a third with none."""
    ana = paid_supporter(cents=2500, display_name="Ana")
    ben = paid_supporter(cents=3000, display_name="Ben")
    paid_supporter(display_name="Cy")
    for day in (2, 3, 4):
        session_at(ana, pt(2026, 11, day, 10))
    session_at(ben, pt(2026, 11, 30, 23))
    return ana, ben


@pytest.mark.django_db
@time_machine.travel(pt(2026, 12, 1, 2, 25), tick=False)
def test_the_task_on_the_first_makes_one_statement_per_supporter_and_month():
    ana, ben = november_world()

    tasks.generate_pay_statements()
    tasks.generate_pay_statements()

    statements = {s.supporter_id: s for s in PayStatement.objects.all()}
    assert set(statements) == {ana.pk, ben.pk}  # Cy had no time: no statement
    assert (statements[ana.pk].month, statements[ana.pk].total_minutes, statements[ana.pk].total_cents) == (
        NOV,
        180,
        7500,
    )
    assert statements[ben.pk].total_cents == 3000
    assert PayStatementLine.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "when",
    [pt(2026, 11, 30, 23, 59), pt(2026, 12, 1, 1, 30), pt(2026, 12, 2, 9), pt(2026, 12, 20, 12)],
)
def test_the_task_does_nothing_except_on_the_first_from_2am_pacific(when):
    november_world()
    with time_machine.travel(when, tick=False):
        tasks.generate_pay_statements()
    assert not PayStatement.objects.exists()


@pytest.mark.django_db
def test_a_month_is_not_closed_before_it_ends():
    with time_machine.travel(pt(2026, 11, 30, 23), tick=False), pytest.raises(pay.PayError):
        pay.statements_generate(month=NOV)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_runs_at_once_make_one_statement_each():
    ana, ben = november_world()
    PayAdjustment.objects.create(
        supporter=ana, amount_cents=1000, reason="Travel", created_by=None, created_at=pt(2026, 11, 20, 12)
    )
    now = pt(2026, 12, 1, 3)

    results = race([lambda: pay.statements_generate(month=NOV, now=now)] * 2)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r.created) for r in results) in ([0, 2], [1, 1])
    assert PayStatement.objects.filter(month=NOV).count() == 2
    ana_statement = PayStatement.objects.get(supporter=ana)
    assert ana_statement.total_cents == 7500 + 1000
    assert PayAdjustment.objects.get().statement == ana_statement


@pytest.mark.django_db
def test_statements_are_locked_and_corrections_land_on_the_next_one():
    ana, _ben = november_world()
    supervisor = staff_with_role("supervisor")
    ops = staff_with_role("operations")
    late = supervision.supervision_schedule(
        supervisor=supervisor,
        kind=SupervisionSession.Kind.ONE_TO_ONE,
        supporter_ids=[ana.pk],
        starts_at=pt(2026, 11, 25, 10),
        minutes=60,
    )
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=NOV)
    november = PayStatement.objects.get(supporter=ana)

    # November is closed: recording its supervision, adding its activities or back-dating a rate is refused.
    with time_machine.travel(pt(2026, 12, 3, 9), tick=False):
        with pytest.raises(supervision.SupervisionError, match="closed"):
            supervision.supervision_record(
                session_id=late.pk, supervisor=supervisor, attended_supporter_ids=[ana.pk], notes=""
            )
        with pytest.raises(pay.PayError, match="closed"):
            pay.paid_activity_record(
                supporter_id=ana.pk,
                kind="orientation",
                title="Day 1",
                on=dt.date(2026, 11, 28),
                minutes=60,
                by=ops,
            )
        with pytest.raises(pay.PayError):
            pay.pay_rate_set(
                supporter_id=ana.pk, hourly_cents=9900, effective_from=dt.date(2026, 11, 20), by=ops
            )
        # The correction: an hour of supervision pay, and $12.50 of travel, as adjustments.
        pay.pay_adjustment_create(supporter_id=ana.pk, minutes=60, reason="1:1 on 25 Nov", by=ops)
        pay.pay_adjustment_create(supporter_id=ana.pk, amount_cents=1250, reason="Train fare", by=ops)
        with pytest.raises(pay.PayError):
            pay.pay_adjustment_create(supporter_id=ana.pk, amount_cents=5, minutes=5, reason="Both", by=ops)
        with pytest.raises(pay.PayError):
            pay.pay_adjustment_create(supporter_id=ana.pk, amount_cents=5, reason=" ", by=ops)
        session_at(ana, pt(2026, 12, 2, 10))

    with time_machine.travel(pt(2026, 12, 5, 9), tick=False):
        again = pay.statements_generate(month=NOV)  # a rerun changes nothing
    november.refresh_from_db()
    assert again.created == [] and (november.total_cents, november.lines.count()) == (7500, 3)

    with time_machine.travel(pt(2027, 1, 1, 3), tick=False):
        pay.statements_generate(month=DEC)
    december = PayStatement.objects.get(supporter=ana, month=DEC)
    assert sorted((line.kind, line.minutes, line.amount_cents) for line in december.lines.all()) == [
        ("adjustment", 0, 1250),
        ("adjustment", 60, 2500),
        ("session", 60, 2500),
    ]
    assert december.total_cents == 6250
    assert set(december.adjustments.values_list("reason", flat=True)) == {"1:1 on 25 Nov", "Train fare"}


@pytest.mark.django_db
def test_a_supporter_without_a_rate_waits_until_one_is_set():
    ana, _ben = november_world()
    ana.pay_rates.all().delete()
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        result = pay.statements_generate(month=NOV)
        assert result.missing_rate == [ana.pk] and not ana.pay_statements.exists()
        pay.pay_rate_set(supporter_id=ana.pk, hourly_cents=2000, effective_from=dt.date(2026, 11, 1), by=None)
        result = pay.statements_generate(month=NOV)
    assert ana.pay_statements.get().total_cents == 6000 and len(result.created) == 1


@pytest.mark.django_db
def test_marking_paid_keeps_the_first_date_and_refuses_the_future():
    ana, ben = november_world()
    ops = staff_with_role("operations")
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=NOV)
        ids = list(PayStatement.objects.values_list("pk", flat=True))
        with pytest.raises(pay.PayError):
            pay.statements_mark_paid(statement_ids=ids, paid_on=dt.date(2026, 12, 2), by=ops)
        assert pay.statements_mark_paid(statement_ids=ids[:1], paid_on=dt.date(2026, 12, 1), by=ops) == 1
        assert pay.statements_mark_paid(statement_ids=ids, paid_on=dt.date(2026, 11, 30), by=ops) == 1
    assert sorted(PayStatement.objects.values_list("paid_on", flat=True)) == [
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    ]


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_the_csvs_equal_the_statements_and_escape_formulas():
    ana, ben = november_world()
    ben.display_name = '=HYPERLINK("http://x")'
    ben.save()
    PayAdjustment.objects.create(
        supporter=ana, amount_cents=-500, reason="Overpaid", created_by=None, created_at=pt(2026, 11, 20, 12)
    )
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=NOV)

    summary = rows(payroll.summary_csv(month=NOV))
    detail = rows(payroll.detail_csv(month=NOV))

    assert list(summary[0]) == payroll.SUMMARY_COLUMNS and list(detail[0]) == payroll.DETAIL_COLUMNS
    statements = {s.pk: s for s in PayStatement.objects.filter(month=NOV)}
    assert {int(r["statement_id"]): int(r["total_cents"]) for r in summary} == {
        pk: s.total_cents for pk, s in statements.items()
    }
    for row in summary:
        statement = statements[int(row["statement_id"])]
        lines = [r for r in detail if int(r["statement_id"]) == statement.pk]
        assert sum(int(r["amount_cents"]) for r in lines) == statement.total_cents == int(row["total_cents"])
        assert sum(int(r["minutes"]) for r in lines) == statement.total_minutes == int(row["minutes"])
    assert {r["total_dollars"] for r in summary} == {"70.00", "30.00"}
    assert {r["supporter_name"] for r in summary} == {"Ana", '\'=HYPERLINK("http://x")'}
    assert "-500" in {r["amount_cents"] for r in detail}  # numbers are never escaped
