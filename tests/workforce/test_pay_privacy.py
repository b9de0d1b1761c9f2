"""A supporter's pay and supervision log in their data export; on deletion the pay records stay,
anonymised (adjustment reasons and 1:1 notes cleared). And the demo's rates."""

import datetime as dt

import pytest
import time_machine

from privacy.services import account_erase, export_payload
from tests.factories import SupporterFactory
from workforce.demo_pay import seed_pay
from workforce.models import PayAdjustment, PayRate, PayStatement, SupervisionSession
from workforce.services import pay, supervision

from .pay_helpers import paid_supporter, pt, session_at, staff_with_role

pytestmark = pytest.mark.django_db


def world():
    ana = paid_supporter()
    supervisor = staff_with_role("supervisor")
    session = supervision.supervision_schedule(
        supervisor=supervisor,
        kind="one_to_one",
        supporter_ids=[ana.pk],
        starts_at=pt(2026, 11, 3, 10),
        minutes=60,
    )
    supervision.supervision_record(
        session_id=session.pk,
        supervisor=supervisor,
        attended_supporter_ids=[ana.pk],
        notes="Note about Ana",
        now=pt(2026, 11, 3, 12),
    )
    session_at(ana, pt(2026, 11, 4, 10))
    PayAdjustment.objects.create(
        supporter=ana,
        amount_cents=700,
        reason="Reason about Ana",
        created_by=None,
        created_at=pt(2026, 11, 5),
    )
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=dt.date(2026, 11, 1))
    return ana, session


def test_the_export_has_statements_rates_adjustments_and_the_supervision_log_without_notes():
    ana, _session = world()
    section = export_payload(user=ana.user, now=pt(2026, 12, 2))["sections"]["workforce_pay"]
    (statement,) = section["pay_statements"]
    assert (statement["month"], statement["total_cents"], len(statement["lines"])) == ("2026-11", 5700, 3)
    assert section["pay_rates"][0]["hourly_cents"] == 2500
    assert section["pay_adjustments"][0]["reason"] == "Reason about Ana"
    assert section["supervision"][0]["minutes"] == 60 and section["supervision"][0]["attended"] is True
    assert "Note about Ana" not in str(section)


def test_deletion_keeps_the_pay_records_and_clears_reasons_and_notes():
    ana, session = world()
    account_erase(user_id=ana.user.pk, by=None, now=pt(2026, 12, 2))
    statement = PayStatement.objects.get(supporter=ana)
    assert (statement.total_cents, statement.lines.count()) == (5700, 3)
    assert PayAdjustment.objects.get().reason == ""
    assert SupervisionSession.objects.get(pk=session.pk).notes == ""


def test_the_demo_gives_every_demo_supporter_a_rate_once():
    SupporterFactory(hourly_pay_cents=2600)
    SupporterFactory(hourly_pay_cents=0)
    seed_pay()
    seed_pay()
    assert list(PayRate.objects.values_list("hourly_cents", "effective_to")) == [(2600, None)]
