"""Issue 12's wording and time rules: one money sentence per outcome from bookings.policy, a late
cancellation keeps the fee (never "pay the fee"), a gift session is used (never "charged"), a gift
balance says "You have N gift sessions", moves never end free cancellation, and every deadline shown
carries its zone."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.timezones import format_when, friendly_zone_name, timezone_choices
from bookings import policy, services
from bookings.models import Booking
from bookings.services import BookingError
from tests.factories import BookingFactory, SeekerFactory, SlotFactory

pytestmark = pytest.mark.django_db

Status, Money = Booking.Status, Booking.Money
NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)  # a Wednesday
ZONE_RE = re.compile(r"(Pacific|Mountain|Central|Eastern) Time \((PST|PDT|MST|MDT|CST|CDT|EST|EDT)\)")


def seeker_in(tz="America/Los_Angeles"):
    return SeekerFactory(user__time_zone=tz)


# --- the words, from the one place -----------------------------------------------------------------


def test_late_cancellation_of_a_paid_session_keeps_the_fee():
    paid = Booking(
        status=Status.LATE_CANCELLED, money=Money.KEEP_FEE, amount_paid_cents=6500, price_cents=6500
    )
    assert policy.late_cancel_outcome(paid) == "the full fee is kept"
    assert policy.cancel_button_label(paid, free=False) == "Cancel; the fee is kept"
    assert "pay the fee" not in policy.cancel_button_label(paid, free=False).lower()


def test_late_cancellation_of_a_gift_session_uses_it_and_never_says_charged():
    gift = Booking(
        status=Status.LATE_CANCELLED, money=Money.KEEP_FEE, paid_with_credit=True, price_cents=6500
    )
    assert policy.late_cancel_outcome(gift) == "the gift session is used"
    assert (
        policy.money_sentence(gift)
        == "Because it was less than 24 hours before the start, the gift session is used."
    )
    assert policy.cancel_button_label(gift, free=False) == "Cancel and use the gift session"
    assert "charged" not in policy.money_sentence(gift)


def test_refund_sentence_says_the_amount_and_when():
    assert policy.refund_sentence(6500) == (
        "We've refunded $65 to your card. Refunds usually reach your card within 5 to 10 business days; "
        "when exactly depends on your bank."
    )


def test_gift_balance_reads_you_have_n_gift_sessions():
    assert policy.gift_balance_sentence(2) == "You have 2 gift sessions"
    assert policy.gift_balance_sentence(1) == "You have 1 gift session"
    html = render_to_string("giftcards/_credits_summary.html", {"gift_credits": 2})
    assert "You have 2 gift sessions" in html and "Paid with your gift" not in html


@time_machine.travel(NOW, tick=False)
def test_cancel_page_of_a_late_paid_session_says_the_fee_is_kept(client):
    seeker = seeker_in()
    booking = BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=5)
    client.force_login(seeker.user)
    page = client.get(reverse("bookings:cancel", args=[booking.pk])).content.decode()
    assert "late cancellation: the full fee is kept" in page
    assert "Cancel; the fee is kept" in page
    assert "pay the fee" not in page.lower()
    assert ZONE_RE.search(page)


@time_machine.travel(NOW, tick=False)
def test_late_gift_session_pages_say_the_gift_session_is_used(client):
    seeker = seeker_in()
    booking = BookingFactory(
        seeker=seeker, status=Status.CONFIRMED, hours_ahead=5, paid_with_credit=True, amount_paid_cents=0
    )
    client.force_login(seeker.user)
    for name in ("bookings:cancel", "bookings:detail"):
        page = client.get(reverse(name, args=[booking.pk])).content.decode()
        assert "the gift session is used" in page, name
        assert "charged in full" not in page, name


def test_the_rule_before_booking_and_in_the_terms_says_the_fee_is_kept(client):
    page = client.get(reverse("pages:terms")).content.decode()
    assert "keeps the fee" in page and "charged in full" not in page


# --- moving a session never silently ends free cancellation ---------------------------------------


@time_machine.travel(NOW, tick=False)
def test_reschedule_lists_only_times_that_keep_free_cancellation_grouped_by_day(client):
    seeker = seeker_in()
    booking = BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=72)
    soon = SlotFactory(supporter=booking.supporter, start=NOW + dt.timedelta(hours=10))
    later_a = SlotFactory(supporter=booking.supporter, start=NOW + dt.timedelta(hours=48))
    later_b = SlotFactory(supporter=booking.supporter, start=NOW + dt.timedelta(hours=50))
    client.force_login(seeker.user)
    page = client.get(reverse("bookings:reschedule", args=[booking.pk])).content.decode()
    assert f'value="{soon.pk}"' not in page
    assert f'value="{later_a.pk}"' in page and f'value="{later_b.pk}"' in page
    assert "Only times more than 24 hours away are listed" in page
    # Both later times are on Friday 4 December in Los Angeles: one day heading, two times under it.
    assert page.count("<legend>Friday 4 December</legend>") == 1
    assert "Pacific Time" in page

    # A stale page (or a crafted post) can't move the session into the last 24 hours either.
    response = client.post(reverse("bookings:reschedule", args=[booking.pk]), {"slot": soon.pk})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.slot_id != soon.pk
    with pytest.raises(BookingError, match="cancelling would keep the fee"):
        services.booking_reschedule(booking_id=booking.pk, seeker=seeker, new_slot_id=soon.pk, now=NOW)
    booking.refresh_from_db()
    assert booking.start == NOW.replace(minute=0) + dt.timedelta(hours=72)


# --- every time with its zone ------------------------------------------------------------------------


def test_format_when_is_one_12_hour_format_with_a_friendly_zone():
    at = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    assert format_when(at, ZoneInfo("America/Los_Angeles")) == "Friday 4 December, 3:30 PM Pacific Time (PST)"
    assert format_when(at, ZoneInfo("America/New_York")) == "Friday 4 December, 6:30 PM Eastern Time (EST)"
    assert friendly_zone_name("Europe/Berlin") == "Berlin time"
    assert ("America/Chicago", "America/Chicago (Central Time)") in timezone_choices()


@time_machine.travel(NOW, tick=False)
def test_every_deadline_on_the_booking_pages_carries_its_zone(client):
    seeker = seeker_in()
    client.force_login(seeker.user)
    requested = BookingFactory(seeker=seeker, status=Status.REQUESTED, hours_ahead=30)
    pending = BookingFactory(
        seeker=seeker,
        status=Status.PAYMENT_PENDING,
        hours_ahead=40,
        payment_due_by=NOW + dt.timedelta(hours=12),
    )
    confirmed = BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=72)
    checks = [
        (reverse("bookings:detail", args=[requested.pk]), "accept, until"),
        (reverse("bookings:detail", args=[pending.pk]), "Please pay by"),
        (reverse("bookings:detail", args=[confirmed.pk]), "for free until"),
        (reverse("bookings:cancel", args=[confirmed.pk]), "cancel for free until"),
    ]
    for url, words in checks:
        page = client.get(url).content.decode()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        index = text.index(words)
        assert ZONE_RE.search(text[index : index + 120]), (url, text[index : index + 120])


@time_machine.travel(NOW, tick=False)
def test_supporter_pages_show_session_times_with_their_zone(client):
    """Decline, cancel and the leave list show the session time in one format with a friendly zone."""
    from tests.bookings.test_views import login_supporter
    from tests.factories import LeaveFactory

    requested = BookingFactory(status=Status.REQUESTED, hours_ahead=30)
    confirmed = BookingFactory(status=Status.CONFIRMED, hours_ahead=72, slot__supporter=requested.supporter)
    supporter = requested.supporter
    day = timezone.localtime(confirmed.start, supporter.tzinfo).date()
    LeaveFactory(supporter=supporter, start_date=day, end_date=day + dt.timedelta(days=1))
    login_supporter(client, supporter)
    for url, booking in [
        (reverse("bookings:decline", args=[requested.pk]), requested),
        (reverse("bookings:supporter_cancel", args=[confirmed.pk]), confirmed),
        (reverse("bookings:leave_sessions"), confirmed),
    ]:
        page = client.get(url).content.decode()
        assert format_when(booking.start, supporter.tzinfo) in page, url


@time_machine.travel(NOW, tick=False)
def test_money_history_shows_each_payment_and_refund_time_with_its_zone(client):
    """The seeker's money history gives the time of each payment and refund in their zone, in the one
    format, not a bare date."""
    from payments.models import Refund

    seeker = seeker_in("America/New_York")
    booking = BookingFactory(seeker=seeker, paid=True)
    payment = booking.payable.payments.get()
    Refund.objects.create(
        payment=payment,
        amount_cents=payment.amount_cents,
        reason=Refund.Reason.STAFF,
        status=Refund.Status.SUCCEEDED,
        idempotency_key=f"test-refund-{payment.pk}",
    )
    client.force_login(seeker.user)
    page = client.get(reverse("bookings:portal")).content.decode()
    history = re.sub(r"\s+", " ", page[page.index('class="money-list"') :])
    history = history[: history.index("</ul>")]
    shown = format_when(NOW, ZoneInfo("America/New_York"))
    assert ZONE_RE.search(history) and "Eastern Time (EST)" in history, history
    assert f"Paid $65 · Visa ending 4242 · {shown}" in history, history
    assert f"Refund $65 · refunded · {shown}" in history, history
