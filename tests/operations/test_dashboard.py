"""The operations dashboard: every number on hand-made data around a Pacific week boundary, a month
boundary and the end of daylight saving time; each number's admin list; who may open the page; and a
query count that does not grow with the service."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking, SessionFeedback
from matching.models import TeamRequest
from messaging.models import Conversation
from operations import charts
from operations.selectors import dashboard_get, month_of, week_of
from payments.models import Payment, Refund
from safety import queue
from supporters.models import Slot, SupporterProfile
from supporters.selectors import supporter_list_below_minimum
from tests.factories import (
    BookingFactory,
    PaymentFactory,
    SeekerFactory,
    SlotFactory,
    StaffFactory,
    SupporterFactory,
    UserFactory,
)
from workforce.models import Application
from workforce.stages import Stage

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Sunday 1 November 2026, 23:45 Pacific (PST): daylight saving time ended at 02:00 that morning, so
# the week Monday 26 October 00:00 PDT to Monday 2 November 00:00 PST is 169 hours long, and it is
# already Monday in UTC.
NOW = dt.datetime(2026, 11, 2, 7, 45, tzinfo=UTC)
URL = "/staff/dashboard/"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


EARLIER = at(2026, 10, 20, 18)  # a request made the week before


def booking(status, *, start, requested_at=EARLIER, ended_at=None, supporter=None):
    """A booking with exactly these times (the factory fills in the rest)."""
    extra = {"slot__supporter": supporter} if supporter else {}
    made = BookingFactory(status=status, slot__start=start, **extra)
    Booking.objects.filter(pk=made.pk).update(requested_at=requested_at, ended_at=ended_at)
    return made


def refund(payment, *, status, succeeded_at=None, key):
    return Refund.objects.create(
        payment=payment,
        amount_cents=payment.amount_cents,
        reason=Refund.Reason.STAFF,
        status=status,
        idempotency_key=key,
        succeeded_at=succeeded_at,
    )


@pytest.fixture
def week():
    """The hand-made week. Comments give each row's Pacific time and where it must (not) count."""
    with time_machine.travel(NOW, tick=False):
        S = Booking.Status
        # Requests made, by requested_at.
        booking(S.DECLINED, start=at(2026, 11, 9, 19), requested_at=at(2026, 10, 26, 7, 30))  # Mon 00:30 PDT
        booking(S.DECLINED, start=at(2026, 11, 9, 20), requested_at=at(2026, 10, 26, 6, 30))  # Sun 25th: no
        booking(S.REQUESTED, start=at(2026, 11, 4, 17), requested_at=at(2026, 11, 2, 7, 30))  # Sun 23:30 PST
        booking(S.REQUESTED, start=at(2026, 11, 4, 18), requested_at=NOW - dt.timedelta(hours=10))  # Sun
        # Sessions held, by start. 01:00 came twice on Sunday 1 November (PDT, then PST).
        sunday_pdt = booking(S.COMPLETED, start=at(2026, 11, 1, 8))
        booking(S.COMPLETED, start=at(2026, 11, 1, 9))
        wednesday = booking(S.REFUNDED, start=at(2026, 10, 28, 17))  # Wed 10:00 PDT
        booking(S.NO_SHOW, start=at(2026, 10, 28, 19))  # not held
        booking(S.COMPLETED, start=at(2026, 11, 2, 8))  # Mon 2nd 00:00 PST: next week
        # Cancellations, by ended_at.
        booking(S.CANCELLED, start=at(2026, 11, 9, 17), ended_at=at(2026, 10, 27, 18))  # Tue
        booking(S.LATE_CANCELLED, start=at(2026, 11, 2, 18), ended_at=at(2026, 11, 2, 7))  # Sun 23:00 PST
        booking(S.CANCELLED_BY_SUPPORTER, start=at(2026, 11, 9, 18), ended_at=at(2026, 10, 26, 6, 59))  # no

        # The heatmap's Wednesday 10:00: the refunded session's slot (booked), one open, one closed.
        SlotFactory(start=at(2026, 10, 28, 17), status=Slot.Status.OPEN)
        SlotFactory(start=at(2026, 10, 28, 17), status=Slot.Status.CLOSED)

        # Money. November began at 00:00 PDT, 07:00 UTC.
        PaymentFactory(status=Payment.Status.REQUIRES_ACTION, succeeded_at=None)
        PaymentFactory(succeeded_at=at(2026, 11, 1, 7, 30), amount_cents=6500)  # Nov 1st 00:30 PDT
        october = PaymentFactory(succeeded_at=at(2026, 11, 1, 6, 30), amount_cents=6500)  # Oct 31st
        late = PaymentFactory(succeeded_at=at(2026, 11, 2, 7), amount_cents=13000)  # Nov 1st 23:00 PST
        refund(late, status=Refund.Status.SUCCEEDED, succeeded_at=at(2026, 11, 1, 8), key="r1")
        refund(late, status=Refund.Status.FAILED, key="r2")
        refund(october, status=Refund.Status.SUCCEEDED, succeeded_at=at(2026, 11, 1, 6), key="r3")  # Oct

        # Guarantee claims ("I didn't love it"), by when they were made.
        claim_wed = SessionFeedback.objects.create(booking=wednesday, loved=False)
        claim_sun = SessionFeedback.objects.create(booking=sunday_pdt, loved=False)
        SessionFeedback.objects.filter(pk=claim_wed.pk).update(created_at=at(2026, 10, 29, 18))  # Oct
        SessionFeedback.objects.filter(pk=claim_sun.pk).update(created_at=at(2026, 11, 1, 18))  # Nov
        loved = booking(S.COMPLETED, start=at(2026, 10, 20, 17))
        SessionFeedback.objects.create(booking=loved, loved=True)

        # A team request waiting, one answered.
        TeamRequest.objects.create(seeker=SeekerFactory(), created_at=NOW, due_at=NOW + dt.timedelta(days=1))
        TeamRequest.objects.create(
            seeker=SeekerFactory(), created_at=NOW, due_at=NOW, status=TeamRequest.Status.ANSWERED
        )

        # Replies: one overdue, one not yet, one overdue but paused.
        for hours, paused in ((50, None), (10, None), (60, NOW)):
            Conversation.objects.create(
                seeker=SeekerFactory(),
                supporter=SupporterFactory(),
                awaiting_since=NOW - dt.timedelta(hours=hours),
                last_session_end=NOW,
                paused_at=paused,
            )

        # One supporter offering 5 hours in each of the next four weeks; an inactive one.
        steady = SupporterFactory()
        monday = at(2026, 11, 2, 17)  # Mon 2nd 09:00 PST
        Slot.objects.bulk_create(
            Slot(
                supporter=steady,
                start=monday + dt.timedelta(weeks=w, days=1, hours=h),
                end=monday + dt.timedelta(weeks=w, days=1, hours=h, minutes=50),
            )
            for w in range(4)
            for h in range(5)
        )
        SupporterFactory(status=SupporterProfile.Status.INACTIVE)

        # Applicants.
        for stage in (Stage.SUBMITTED, Stage.SUBMITTED, Stage.INTERVIEW):
            Application.objects.create(user=UserFactory(), stage=stage, stage_changed_at=NOW)
    return {"steady": steady}


def test_week_and_month_are_pacific_and_cross_the_end_of_daylight_saving():
    week, month = week_of(NOW), month_of(NOW)
    assert (week.start, week.end) == (at(2026, 10, 26, 7), at(2026, 11, 2, 8))
    assert week.end - week.start == dt.timedelta(hours=169)
    assert [d.day for d in week.days] == [26, 27, 28, 29, 30, 31, 1]
    assert (month.start, month.end) == (at(2026, 11, 1, 7), at(2026, 12, 1, 8))
    # A minute later it is Monday 2 November in Pacific time: a new week, the same month.
    assert week_of(at(2026, 11, 2, 8)).first_day == dt.date(2026, 11, 2)


def test_every_number_on_hand_made_data(week):
    with time_machine.travel(NOW, tick=False):
        d = dashboard_get()
    by_day = {row.day.day: (row.booked.count, row.held.count, row.cancelled.count) for row in d.days}
    assert by_day == {
        26: (1, 0, 0),
        27: (0, 0, 1),
        28: (0, 1, 0),
        29: (0, 0, 0),
        30: (0, 0, 0),
        31: (0, 0, 0),
        1: (2, 2, 1),
    }
    assert d.requests_waiting.count == 2
    assert [f.count for f in d.request_ages] == [1, 0, 1, 0]
    assert d.oldest_request_at == NOW - dt.timedelta(hours=10)
    assert d.team_requests.count == 1
    assert d.needs_card_holder.count == 1
    assert d.failed_refunds.count == 1
    assert (d.revenue_month.count, d.revenue_month.cents) == (2, 19500)
    assert (d.refunds_month.count, d.refunds_month.cents) == (1, 13000)
    assert d.net_month_cents == 6500
    assert (d.guarantee_claims_week.count, d.guarantee_claims_month.count) == (2, 1)
    active = SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE).count()
    assert d.below_minimum.count == active - 1
    assert d.below_minimum.count == len(supporter_list_below_minimum(weeks=4, now=NOW))
    wednesday_10 = d.heat[(2, 10)]
    assert (wednesday_10.taken, wednesday_10.offered.count) == (1, 2)
    sunday_1am = d.heat[(6, 1)]  # twice on the night the clocks went back
    assert (sunday_1am.taken, sunday_1am.offered.count) == (2, 2)
    assert sunday_1am.offered.params["start__lt"] == "2026-11-01T10:00:00+00:00"  # two real hours
    assert d.heat_weekdays == [0, 1, 2, 3, 4, 6] and d.heat_hours[0] == 1
    assert d.overdue_replies.count == 1
    applicants = {f.params["stage__exact"]: f.count for f in d.applicants}
    assert applicants[Stage.SUBMITTED] == 2 and applicants[Stage.INTERVIEW] == 1
    assert applicants[Stage.OFFER] == 0


def _staff(role=None, *, superuser=False):
    user = StaffFactory(is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def test_each_number_links_to_its_admin_list_with_the_same_count(client, week):
    client.force_login(_staff(superuser=True))
    with time_machine.travel(NOW, tick=False):
        page = client.get(URL)
        assert page.status_code == 200
        figures = [f for f in page.context["d"].figures() if f.href]
        # Every figure with an admin list is linked for a superuser (applications: once hiring has an admin).
        assert {f.model for f in figures} >= {
            "bookings.booking",
            "bookings.sessionfeedback",
            "matching.teamrequest",
            "messaging.conversation",
            "payments.payment",
            "payments.refund",
            "supporters.slot",
            "supporters.supporterprofile",
        }
        html = page.content.decode()
        checked = 0
        for figure in figures:
            assert figure.href.replace("&", "&amp;") in html
            listed = client.get(figure.href)
            assert listed.status_code == 200, figure.href
            assert listed.context["cl"].result_count == figure.count, (figure.label, figure.href)
            checked += 1
    assert checked >= 40


@pytest.mark.parametrize(
    "who, status",
    [
        ("operations", 200),
        ("supervisor", 200),
        ("superuser", 200),
        ("trainer", 404),
        ("staff", 404),
        ("supporter", 404),
        ("seeker", 404),
    ],
)
def test_only_operations_supervisors_and_superusers_open_the_dashboard(client, who, status):
    if who == "superuser":
        user = _staff(superuser=True)
    elif who in ("operations", "supervisor", "trainer"):
        user = _staff(who)
    elif who == "staff":
        user = _staff()
    elif who == "supporter":
        user = SupporterFactory().user
    else:
        user = SeekerFactory().user
    client.force_login(user)
    assert client.get(URL).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_without_two_factor_are_sent_to_turn_it_on(client):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="operations"))
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")


def test_numbers_link_only_to_lists_the_viewer_may_open(client, week):
    client.force_login(_staff("operations"))
    with time_machine.travel(NOW, tick=False):
        page = client.get(URL)
    d = page.context["d"]
    assert d.revenue_month.href and d.needs_card_holder.href  # operations run payments
    assert not d.guarantee_claims_week.href  # ratings and claims are the supervisors'
    assert "/admin/bookings/sessionfeedback/" not in page.content.decode()
    client.force_login(_staff("supervisor"))
    with time_machine.travel(NOW, tick=False):
        page = client.get(URL)
    d = page.context["d"]
    assert d.guarantee_claims_week.href and not d.revenue_month.href
    assert "/admin/payments/" not in page.content.decode()


def test_safety_items_come_from_the_supervisor_queue(client, monkeypatch):
    monkeypatch.setattr(queue, "_sections", {})
    item = queue.QueueItem(
        kind="crisis_flag", title="Crisis flag", opened_at=NOW, due_at=None, url="/x/", action_label="Take"
    )
    queue.register_section("crisis_flag", "Crisis flags", lambda now: [item, item], order=10)
    queue.register_section("backup_request", "Backup requests", lambda now: [], order=20)
    client.force_login(_staff("supervisor"))
    page = client.get(URL)
    assert [(row.label, row.count) for row in page.context["d"].safety] == [
        ("Crisis flags", 2),
        ("Backup requests", 0),
    ]
    assert "Crisis flags" in page.content.decode()


def test_the_page_has_accessible_charts_and_tables_and_no_inline_script_or_style(client, week):
    client.force_login(_staff(superuser=True))
    with time_machine.travel(NOW, tick=False):
        html = client.get(URL).content.decode()
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="sessions-chart-title sessions-chart-desc"' in html
    assert '<title id="supply-chart-title">' in html
    assert html.count("<caption>") >= 6 and html.count('<details class="data-table">') == 2
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # only scripts loaded from our files
    assert "$195" in html and "$130" in html and "$65" in html  # revenue, refunds, kept
    assert "2/2" in html  # the Sunday 01:00 square says its numbers in text, not by colour alone


def test_admin_index_links_to_the_dashboard_for_its_roles(client):
    client.force_login(_staff("operations"))
    assert URL in client.get("/admin/").content.decode()
    client.force_login(_staff("trainer"))
    assert URL not in client.get("/admin/").content.decode()


def _service(supporters: int) -> None:
    """``supporters`` supporters, each with a week of sessions in every state, slots, money, replies and
    an applicant: what a busy week looks like, in proportion."""
    for n in range(supporters):
        supporter = SupporterFactory()
        for k, status in enumerate(
            [
                Booking.Status.REQUESTED,
                Booking.Status.COMPLETED,
                Booking.Status.CANCELLED,
                Booking.Status.COMPLETED,
            ]
        ):
            made = booking(
                status,
                start=at(2026, 10, 27 + k, 17),
                requested_at=at(2026, 10, 26, 18) + dt.timedelta(hours=k),
                ended_at=at(2026, 10, 27, 18) if status == Booking.Status.CANCELLED else None,
                supporter=supporter,
            )
            if status == Booking.Status.COMPLETED:
                SessionFeedback.objects.create(booking=made, loved=bool(k % 2))
        payment = PaymentFactory(succeeded_at=at(2026, 11, 1, 12))
        refund(payment, status=Refund.Status.FAILED, key=f"service-{supporters}-{n}")
        Conversation.objects.create(
            seeker=SeekerFactory(),
            supporter=supporter,
            awaiting_since=NOW - dt.timedelta(hours=60),
            last_session_end=NOW,
        )
        Application.objects.create(user=UserFactory(), stage=Stage.VIDEO, stage_changed_at=NOW)


def test_query_count_is_the_same_at_5_and_50_supporters(client, django_assert_max_num_queries):
    user = _staff(superuser=True)
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        _service(5)
        client.get(URL)  # warm: the session and permission caches
        with CaptureQueriesContext(connection) as small:
            assert client.get(URL).status_code == 200
        _service(45)
        assert Booking.objects.count() == 200
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = client.get(URL)
    assert page.context["d"].overdue_replies.count == 50


def test_charts_scale_to_round_steps_and_shade_by_share():
    assert [charts.nice_step(n) for n in (1, 5, 6, 11, 24, 120, 4000)] == [1, 1, 2, 5, 5, 50, 1000]
    chart = charts.bar_chart(["Mon", "Tue"], [("a", [0, 7]), ("b", [3, 1])])
    assert [t.value for t in chart.ticks] == [0, 2, 4, 6, 8]
    assert [b.value for b in chart.bars] == [0, 3, 7, 1]
    assert chart.bars[0].height == 0 and chart.bars[2].y == chart.top + (chart.bottom - chart.top) / 8
    assert [charts.level(t, o) for t, o in ((0, 0), (0, 4), (1, 4), (2, 4), (3, 4), (4, 4))] == [
        0,
        1,
        2,
        3,
        4,
        4,
    ]
