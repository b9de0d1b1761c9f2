"""The policy's windows and booking_actions: what each viewer may do, and that it agrees with what the
services accept at the same instant (a shown button never leads to a refusal, and the other way round)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from bookings.policy import (
    booking_actions,
    free_cancellation_deadline,
    guarantee_until,
    join_opens_at,
    policy_terms,
)
from tests.factories import BookingFactory, SeekerFactory

pytestmark = pytest.mark.django_db

Status = Booking.Status
NOW = dt.datetime(2026, 11, 16, 17, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def on(booking: Booking, user, at: dt.datetime) -> set[str]:
    """The names of the actions and notices that are on."""
    actions = booking_actions(booking, user, at)
    return {name for name, value in vars(actions).items() if value is True}


def test_booking_actions_for_a_confirmed_session_two_days_ahead():
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    now = timezone.now()
    assert on(booking, booking.seeker.user, now) == {
        "is_seeker",
        "room",
        "reschedule",
        "cancel",
        "cancel_is_free",
        "explain_cancel_terms",
        "guarantee_open",
    }
    assert on(booking, booking.supporter.user, now) == {
        "is_supporter",
        "room",
        "supporter_cancel",
        "cancel_is_free",
        "guarantee_open",
    }
    stranger = SeekerFactory().user
    assert on(booking, stranger, now) <= {"room", "cancel_is_free", "guarantee_open"}  # notices only
    assert not booking_actions(booking, None, now).cancel  # signed out: nothing


def test_booking_actions_inside_the_last_day_cancel_is_late_and_moving_is_over():
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    late = free_cancellation_deadline(booking) + dt.timedelta(seconds=1)
    seeker = on(booking, booking.seeker.user, late)
    assert {"cancel", "explain_cancel_terms"} <= seeker
    assert not {"reschedule", "cancel_is_free", "join"} & seeker
    assert "reschedule" in on(booking, booking.seeker.user, free_cancellation_deadline(booking))


def test_booking_actions_join_opens_ten_minutes_before_and_closes_at_the_end():
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    opens = join_opens_at(booking)
    assert opens == booking.start - dt.timedelta(minutes=policy_terms()["join_opens_minutes"])
    for user in (booking.seeker.user, booking.supporter.user):
        assert "join" not in on(booking, user, opens - dt.timedelta(seconds=1))
        assert "join" in on(booking, user, opens)
        assert "join" in on(booking, user, booking.end - dt.timedelta(seconds=1))
        assert "join" not in on(booking, user, booking.end)
    assert "cancel" not in on(booking, booking.seeker.user, booking.start)  # it has begun


def test_booking_actions_for_a_request_and_a_payment_pending_session():
    request = BookingFactory(status=Status.REQUESTED, hours_ahead=48)
    now = timezone.now()
    assert {"withdraw", "reschedule", "awaiting_answer"} <= on(request, request.seeker.user, now)
    assert {"accept", "decline", "awaiting_answer"} <= on(request, request.supporter.user, now)
    assert "accept" not in on(request, request.supporter.user, request.respond_by)  # expired
    pending = BookingFactory(status=Status.PAYMENT_PENDING, hours_ahead=48)
    assert {"pay", "cancel", "awaiting_payment"} <= on(pending, pending.seeker.user, now)
    assert "reschedule" not in on(pending, pending.seeker.user, now)
    assert "pay" not in on(pending, pending.supporter.user, now)


def test_booking_actions_feedback_and_the_guarantee_window():
    booking = BookingFactory(status=Status.COMPLETED, hours_ahead=-30)
    now = timezone.now()
    assert {"give_feedback", "guarantee_open"} <= on(booking, booking.seeker.user, now)
    assert "give_feedback" not in on(booking, booking.supporter.user, now)
    over = guarantee_until(booking) + dt.timedelta(seconds=1)
    assert "guarantee_open" not in on(booking, booking.seeker.user, over)
    assert guarantee_until(booking) == booking.end + dt.timedelta(days=policy_terms()["guarantee_days"])


def _fresh(status=Status.CONFIRMED) -> Booking:
    return BookingFactory(status=status, hours_ahead=-30)


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [
        ("start+9m", False),
        ("start+10m", True),
        ("end+48h", True),
        ("end+48h+1s", False),
    ],
)
def test_no_show_window_is_the_same_for_the_button_and_the_services(offset, allowed):
    """mark_no_show/report_absent are on exactly when the services accept the report."""

    def at(booking):
        return {
            "start+9m": booking.start + dt.timedelta(minutes=9),
            "start+10m": booking.start + dt.timedelta(minutes=10),
            "end+48h": booking.end + dt.timedelta(hours=48),
            "end+48h+1s": booking.end + dt.timedelta(hours=48, seconds=1),
        }[offset]

    marked = _fresh()
    assert ("mark_no_show" in on(marked, marked.supporter.user, at(marked))) is allowed
    try:
        services.booking_mark_seeker_no_show(booking_id=marked.pk, supporter=marked.supporter, now=at(marked))
        accepted = True
    except services.BookingError as exc:
        assert exc.code == "window"
        accepted = False
    assert accepted is allowed

    reported = _fresh()
    assert ("report_absent" in on(reported, reported.seeker.user, at(reported))) is allowed
    try:
        services.booking_report_supporter_absent(
            booking_id=reported.pk, seeker=reported.seeker, now=at(reported)
        )
        accepted = True
    except services.BookingError as exc:
        assert exc.code == "window"
        accepted = False
    assert accepted is allowed


def test_a_disputed_session_offers_no_second_report_on_either_side():
    booking = _fresh()
    at = booking.end + dt.timedelta(hours=1)
    services.booking_report_supporter_absent(booking_id=booking.pk, seeker=booking.seeker, now=at)
    booking.refresh_from_db()
    assert "report_absent" not in on(booking, booking.seeker.user, at)
    assert "mark_no_show" not in on(booking, booking.supporter.user, at)
    with pytest.raises(services.BookingError):
        services.booking_mark_seeker_no_show(booking_id=booking.pk, supporter=booking.supporter, now=at)


@pytest.mark.parametrize("seconds_past_deadline", [0, 1])
def test_reschedule_window_is_the_same_for_the_link_and_the_service(seconds_past_deadline):
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    other = BookingFactory(status=Status.CONFIRMED, hours_ahead=72).slot  # any slot of another supporter
    at = free_cancellation_deadline(booking) + dt.timedelta(seconds=seconds_past_deadline)
    shown = "reschedule" in on(booking, booking.seeker.user, at)
    assert shown is (seconds_past_deadline == 0)
    with pytest.raises(services.BookingError) as refused:
        services.booking_reschedule(
            booking_id=booking.pk, seeker=booking.seeker, new_slot_id=other.pk, now=at
        )
    # Inside the window the service gets as far as the slot (not this supporter's: "taken");
    # past it, the window itself refuses.
    assert refused.value.code == ("taken" if shown else "too_late")


def test_policy_terms_are_the_numbers_the_pages_show(client):
    terms = policy_terms()
    assert terms == {
        "free_cancellation_hours": 24,
        "guarantee_days": 7,
        "join_opens_minutes": 10,
        "absence_opens_minutes": 10,
        "absence_closes_hours": 48,
    }
    page = client.get("/pricing/").content.decode()
    assert "24 hours or more before the session" in page and "Within 7 days after it" in page


def test_policy_terms_follow_the_settings(client, settings):
    settings.FREE_CANCELLATION_NOTICE = dt.timedelta(hours=48)
    settings.GUARANTEE_WINDOW = dt.timedelta(days=14)
    page = client.get("/pricing/").content.decode()
    assert "48 hours or more before the session" in page and "Within 14 days after it" in page
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=72)
    assert free_cancellation_deadline(booking) == booking.start - dt.timedelta(hours=48)
