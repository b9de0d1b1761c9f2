"""The pay admin: rates and adjustments are added through the services (refusals shown on the form),
statements are read-only, and the one action marks them paid."""

import datetime as dt

import pytest
import time_machine

from privacy.models import AccessLog
from workforce.models import PayAdjustment, PayRate, PayStatement
from workforce.services import pay

from .pay_helpers import paid_supporter, pt, session_at, staff_with_role

pytestmark = pytest.mark.django_db


def test_a_rate_added_in_the_admin_closes_the_previous_one_and_a_clash_is_refused(client):
    ops = staff_with_role("operations")
    ana = paid_supporter(since=dt.date(2026, 1, 1))
    client.force_login(ops)
    response = client.post(
        "/admin/workforce/payrate/add/",
        {"supporter": ana.pk, "hourly_cents": 2800, "effective_from": "2026-12-01"},
    )
    assert response.status_code == 302
    refused = client.post(
        "/admin/workforce/payrate/add/",
        {"supporter": ana.pk, "hourly_cents": 2900, "effective_from": "2026-06-01"},
    )
    assert refused.status_code == 200 and "a new rate must start later" in refused.content.decode()
    rates = PayRate.objects.filter(supporter=ana).order_by("effective_from")
    assert [(r.hourly_cents, r.effective_to, r.set_by) for r in rates] == [
        (2500, dt.date(2026, 11, 30), None),
        (2800, None, ops),
    ]


def test_an_adjustment_added_in_the_admin_records_the_staff_member_and_reads_are_logged(client):
    ops = staff_with_role("operations")
    ana = paid_supporter()
    client.force_login(ops)
    client.post(
        "/admin/workforce/payadjustment/add/",
        {"supporter": ana.pk, "amount_cents": 1500, "minutes": 0, "reason": "Conference day"},
    )
    adjustment = PayAdjustment.objects.get()
    assert (adjustment.amount_cents, adjustment.created_by, adjustment.reason) == (
        1500,
        ops,
        "Conference day",
    )
    page = client.get(f"/admin/workforce/payadjustment/{adjustment.pk}/change/")
    assert "Conference day" in page.content.decode()
    assert AccessLog.objects.filter(actor=ops, object_id=str(adjustment.pk)).count() == 1
    both = client.post(
        "/admin/workforce/payadjustment/add/",
        {"supporter": ana.pk, "amount_cents": 1500, "minutes": 30, "reason": "Both"},
    )
    assert "either an amount or a number of minutes" in both.content.decode()
    assert PayAdjustment.objects.count() == 1


def test_statements_are_read_only_in_the_admin_and_the_action_marks_them_paid(client):
    ops = staff_with_role("operations")
    ana = paid_supporter()
    session_at(ana, pt(2026, 11, 3, 10))
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=dt.date(2026, 11, 1))
    statement = PayStatement.objects.get()
    with time_machine.travel(pt(2026, 12, 2, 9), tick=False):
        client.force_login(ops)
        page = client.get(f"/admin/workforce/paystatement/{statement.pk}/change/").content.decode()
        assert 'name="total_cents"' not in page and 'name="_save"' not in page
        client.post(f"/admin/workforce/paystatement/{statement.pk}/change/", {"total_cents": 1})
        client.post(
            "/admin/workforce/paystatement/",
            {"action": "mark_paid_today", "_selected_action": [statement.pk]},
        )
    statement.refresh_from_db()
    assert (statement.total_cents, statement.paid_on, statement.paid_by) == (2500, dt.date(2026, 12, 2), ops)
