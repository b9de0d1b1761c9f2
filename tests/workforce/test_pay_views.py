"""The pay pages: a supporter's own statements (HTML, PDF, year totals; another's is a 404) and
operations' month page (CSV downloads, marking paid)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from workforce.models import PayAdjustment, PayStatement
from workforce.services import pay

from .pay_helpers import paid_supporter, pt, session_at, staff_with_role

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def closed_november(*supporters, sessions=2):
    for supporter in supporters:
        for day in range(2, 2 + sessions):
            session_at(supporter, pt(2026, 11, day, 10))
    with time_machine.travel(pt(2026, 12, 1, 3), tick=False):
        pay.statements_generate(month=NOV)
    return [PayStatement.objects.get(supporter=s, month=NOV) for s in supporters]


def test_the_supporter_sees_their_statements_pdf_and_year_totals(client):
    ana = paid_supporter(cents=2500)
    PayAdjustment.objects.create(
        supporter=ana, amount_cents=1250, reason="Train fare", created_by=None, created_at=pt(2026, 11, 20)
    )
    (statement,) = closed_november(ana)
    PayStatement.objects.filter(pk=statement.pk).update(paid_on=dt.date(2026, 12, 1))
    client.force_login(ana.user)
    with time_machine.travel(pt(2026, 12, 3, 9), tick=False):
        listing = client.get(reverse("workforce:my_pay")).content.decode()
        detail = client.get(reverse("workforce:my_statement", args=[statement.pk])).content.decode()
        pdf = client.get(reverse("workforce:my_statement_pdf", args=[statement.pk]))
    assert "November 2026" in listing and "$62.50" in listing
    assert "Earned for work in 2026</dt><dd>$62.50" in listing
    assert "Paid to you in 2026</dt><dd>$62.50" in listing
    assert "Train fare" in detail and "$25/h" in detail and "2.00" in detail
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_year_totals_count_a_december_paid_in_january_in_the_next_years_paid_total(client):
    ana = paid_supporter()
    session_at(ana, pt(2026, 12, 2, 10))
    with time_machine.travel(pt(2027, 1, 1, 3), tick=False):
        pay.statements_generate(month=dt.date(2026, 12, 1))
    PayStatement.objects.update(paid_on=dt.date(2027, 1, 1))
    with time_machine.travel(pt(2027, 1, 5, 9), tick=False):
        client.force_login(ana.user)  # signed in at the frozen time, so the session is current
        this_year = client.get(reverse("workforce:my_pay")).content.decode()
        last_year = client.get(reverse("workforce:my_pay"), {"year": "2026"}).content.decode()
    assert (
        "Earned for work in 2027</dt><dd>$0" in this_year and "Paid to you in 2027</dt><dd>$25" in this_year
    )
    assert (
        "Earned for work in 2026</dt><dd>$25" in last_year and "Paid to you in 2026</dt><dd>$0" in last_year
    )


def test_another_supporters_statement_is_a_404(client):
    ana, ben = paid_supporter(), paid_supporter()
    _ana_statement, ben_statement = closed_november(ana, ben)
    client.force_login(ana.user)
    for name in ("workforce:my_statement", "workforce:my_statement_pdf"):
        assert client.get(reverse(name, args=[ben_statement.pk])).status_code == 404
    assert client.get(reverse("workforce:my_statement", args=[999999])).status_code == 404
    assert (
        f"/supporter/pay/{ben_statement.pk}/" not in client.get(reverse("workforce:my_pay")).content.decode()
    )


def test_the_statement_list_takes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    ana = paid_supporter()
    for month in range(1, 11):
        session_at(ana, pt(2026, month, 5, 10))
        with time_machine.travel(pt(2026, month + 1, 1, 3), tick=False):
            pay.statements_generate(month=dt.date(2026, month, 1))
    client.force_login(ana.user)
    with time_machine.travel(pt(2026, 11, 15), tick=False), django_assert_max_num_queries(10):
        page = client.get(reverse("workforce:my_pay"))
    assert page.content.decode().count("/supporter/pay/") >= 10


def test_operations_download_the_csvs_and_mark_paid(client, django_assert_max_num_queries):
    ops = staff_with_role("operations")
    ana, ben = paid_supporter(display_name="Ana"), paid_supporter(display_name="Ben")
    ana_statement, ben_statement = closed_november(ana, ben)
    client.force_login(ops)
    with time_machine.travel(pt(2026, 12, 2, 9), tick=False):
        with django_assert_max_num_queries(12):
            page = client.get(reverse("workforce:pay_month"))  # the previous month by default
        body = page.content.decode()
        assert "Pay for November 2026" in body and "$100 in all" in body
        summary = client.get(reverse("workforce:pay_summary_csv", args=["2026-11"]))
        detail = client.get(reverse("workforce:pay_detail_csv", args=["2026-11"]))
        assert summary["Content-Disposition"] == 'attachment; filename="pay-2026-11-summary.csv"'
        rows = list(csv.DictReader(io.StringIO(summary.content.decode())))
        assert sorted((r["supporter_name"], r["total_cents"]) for r in rows) == [
            ("Ana", "5000"),
            ("Ben", "5000"),
        ]
        assert len(list(csv.DictReader(io.StringIO(detail.content.decode())))) == 4
        bad = client.post(
            reverse("workforce:pay_month") + "?month=2026-11",
            {"statements": [ana_statement.pk], "paid_on": "2027-01-01"},
        )
        assert bad.status_code == 400 and "future" in bad.content.decode()
        client.post(
            reverse("workforce:pay_month") + "?month=2026-11",
            {"statements": [ana_statement.pk], "paid_on": "2026-12-01"},
        )
    ana_statement.refresh_from_db()
    ben_statement.refresh_from_db()
    assert (ana_statement.paid_on, ana_statement.paid_by, ben_statement.paid_on) == (
        dt.date(2026, 12, 1),
        ops,
        None,
    )


def test_operations_make_missing_statements_for_a_finished_month_only(client):
    ops = staff_with_role("operations")
    ana = paid_supporter()
    session_at(ana, pt(2026, 11, 3, 10))
    client.force_login(ops)
    with time_machine.travel(pt(2026, 11, 20, 9), tick=False):
        client.post(reverse("workforce:pay_generate"), {"month": "2026-11"})
        assert not PayStatement.objects.exists()
    with time_machine.travel(pt(2026, 12, 5, 9), tick=False):
        client.post(reverse("workforce:pay_generate"), {"month": "2026-11"})
        client.post(reverse("workforce:pay_generate"), {"month": "2026-11"})
    assert PayStatement.objects.get().total_cents == 2500


@pytest.mark.parametrize("role", [None, "supervisor", "trainer"])
def test_pay_staff_pages_are_404_for_everyone_else(client, role):
    user = staff_with_role(role) if role else paid_supporter().user
    client.force_login(user)
    assert client.get(reverse("workforce:pay_month")).status_code == 404
    assert client.get(reverse("workforce:pay_summary_csv", args=["2026-11"])).status_code == 404
    assert client.get(reverse("workforce:pay_detail_csv", args=["2026-11"])).status_code == 404
    assert client.post(reverse("workforce:pay_generate"), {"month": "2026-11"}).status_code == 404


def test_staff_without_a_supporter_profile_get_404_on_supporter_pay(client):
    client.force_login(staff_with_role("operations"))
    assert client.get(reverse("workforce:my_pay")).status_code == 404
