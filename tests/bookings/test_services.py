import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingEvent
from bookings.policy import free_cancellation_deadline
from bookings.services import BookingError, SlotTaken
from notifications.models import Notification
from payments.models import Payment
from payments.services import seeker_card
from supporters.models import Slot
from tests.factories import (
    BookingFactory,
    LeaveFactory,
    SeekerFactory,
    SlotFactory,
    hour_from_now,
    offered_booking,
)
from tests.payments.helpers import give_card, of_booking

pytestmark = pytest.mark.django_db

Status = Booking.Status
Money = Booking.Money


def subjects(mailoutbox, to=None):
    return [m.subject for m in mailoutbox if to is None or m.to == [to]]


def request(seeker, slot, **kwargs):
    """A request as the booking page makes it: the seeker saved a card first (the service insists)."""
    if seeker_card(seeker=seeker) is None:
        give_card(seeker)
    kwargs.setdefault("confirms_no_personal_relationship", True)
    return services.booking_request(seeker=seeker, slot_id=slot.pk, **kwargs)


# --- request ---------------------------------------------------------------------------------


def test_booking_request_holds_the_slot_and_tells_the_supporter(
    django_capture_on_commit_callbacks, mailoutbox
):
    seeker, slot = SeekerFactory(), SlotFactory(start=hour_from_now(30))
    with django_capture_on_commit_callbacks(execute=True):
        booking = request(seeker, slot)
    slot.refresh_from_db()
    assert (booking.status, slot.status) == (Status.REQUESTED, Slot.Status.HELD)
    assert (booking.start, booking.end, booking.price_cents) == (slot.start, slot.end, 6500)
    assert booking.respond_by == booking.requested_at + dt.timedelta(hours=24)
    assert subjects(mailoutbox, slot.supporter.user.email) == ["New session request"]
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.actor) == ("", Status.REQUESTED, seeker.user)


def test_booking_request_without_a_card_or_a_gift_session_is_refused_and_changes_nothing():
    seeker, slot = SeekerFactory(), SlotFactory(start=hour_from_now(30))
    with pytest.raises(services.CardNeeded, match="please save a card") as refused:
        services.booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)
    assert refused.value.code == "card_needed"
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN
    assert not Booking.objects.exists()
    give_card(seeker)
    services.booking_request_payment_check(seeker=seeker)  # now it passes
    assert request(seeker, slot).status == Status.REQUESTED


def test_booking_request_deadline_is_one_hour_before_a_near_start():
    booking = request(SeekerFactory(), SlotFactory(start=hour_from_now(10)))
    assert booking.respond_by == booking.start - dt.timedelta(hours=1)


def test_booking_request_first_time_requires_the_no_relationship_confirmation():
    seeker, slot = SeekerFactory(), SlotFactory()
    with pytest.raises(BookingError, match="don't know this supporter"):
        request(seeker, slot, confirms_no_personal_relationship=False)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN
    assert not Booking.objects.exists()
    # Once they have booked with this supporter, they are not asked again.
    request(seeker, slot)
    other = SlotFactory(supporter=slot.supporter, start=slot.start + dt.timedelta(hours=2))
    assert request(seeker, other, confirms_no_personal_relationship=False).status == Status.REQUESTED


def test_booking_request_refuses_a_taken_slot_and_changes_nothing():
    slot = SlotFactory()
    request(SeekerFactory(), slot)
    with pytest.raises(SlotTaken, match="just took"):
        request(SeekerFactory(), slot)
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("hours", [3, 24 * 7 * 8 + 2])
def test_booking_request_refuses_times_inside_the_notice_or_beyond_the_horizon(hours):
    slot = SlotFactory(start=hour_from_now(hours))
    with pytest.raises(SlotTaken):
        request(SeekerFactory(), slot)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN


def test_booking_request_refuses_a_supporter_on_leave():
    slot = SlotFactory()
    LeaveFactory(supporter=slot.supporter)
    with pytest.raises(BookingError, match="isn't taking new bookings"):
        request(SeekerFactory(), slot)


def test_booking_request_refuses_two_sessions_at_once_for_one_seeker():
    seeker = SeekerFactory()
    start = hour_from_now(30)
    first, second = SlotFactory(start=start), SlotFactory(start=start)
    request(seeker, first)
    with pytest.raises(BookingError, match="already have a session at that time"):
        request(seeker, second)
    second.refresh_from_db()
    assert second.status == Slot.Status.OPEN  # the hold was rolled back with the refusal
    assert Booking.objects.count() == 1


# --- accept / decline / withdraw / expire -------------------------------------------------------


def test_booking_accept_twice_charges_confirms_and_emails_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    booking = BookingFactory()
    give_card(booking.seeker)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)  # double click
    booking.refresh_from_db()
    assert (booking.status, booking.money, booking.amount_paid_cents) == (
        Status.CONFIRMED,
        Money.CHARGE,
        6500,
    )
    assert Payment.objects.filter(**of_booking(booking), status=Payment.Status.SUCCEEDED).count() == 1
    assert booking.slot.status == Slot.Status.BOOKED
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]
    confirmation = next(m for m in mailoutbox if m.to == [booking.seeker.user.email])
    assert booking.video_url in confirmation.body
    assert confirmation.attachments[0][0].endswith(".ics")
    assert BookingEvent.objects.filter(booking=booking, to_status=Status.CONFIRMED).count() == 1


def test_booking_accept_by_another_supporter_is_not_found():
    booking = BookingFactory()
    other = SlotFactory().supporter
    with pytest.raises(BookingError, match="couldn't find"):
        services.booking_accept(booking_id=booking.pk, supporter=other)
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED


def test_booking_accept_after_the_deadline_is_refused():
    booking = BookingFactory()
    with pytest.raises(BookingError, match="expired"):
        services.booking_accept(
            booking_id=booking.pk,
            supporter=booking.supporter,
            now=booking.respond_by + dt.timedelta(seconds=1),
        )


def test_booking_decline_frees_the_slot_keeps_the_reason_private(
    django_capture_on_commit_callbacks, mailoutbox
):
    booking = offered_booking()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decline(booking_id=booking.pk, supporter=booking.supporter, reason="Not a good fit")
        services.booking_decline(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    assert (booking.status, booking.money, booking.decline_reason) == (
        Status.DECLINED,
        Money.NOTHING_TO_CHARGE,
        "Not a good fit",
    )
    assert booking.slot.status == Slot.Status.OPEN
    assert subjects(mailoutbox) == ["Your request wasn't accepted"]
    assert "Not a good fit" not in mailoutbox[0].body


def test_booking_withdraw_then_accept_is_refused():
    booking = offered_booking()
    services.booking_withdraw(booking_id=booking.pk, seeker=booking.seeker)
    services.booking_withdraw(booking_id=booking.pk, seeker=booking.seeker)
    with pytest.raises(BookingError, match="can no longer be accepted"):
        services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    assert booking.status == Status.WITHDRAWN
    assert booking.slot.status == Slot.Status.OPEN


def test_bookings_expire_due_expires_only_past_deadline(django_capture_on_commit_callbacks, mailoutbox):
    due, not_yet = offered_booking(), BookingFactory()
    now = due.respond_by
    not_yet.respond_by = now + dt.timedelta(seconds=1)
    not_yet.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_expire_due(now=now) == 1
        assert services.bookings_expire_due(now=now) == 0
    due.refresh_from_db(), not_yet.refresh_from_db()
    assert (due.status, not_yet.status) == (Status.EXPIRED, Status.REQUESTED)
    assert due.slot.status == Slot.Status.OPEN
    assert subjects(mailoutbox) == ["Your request expired"]
    assert f"/supporters/{due.supporter_id}/" in mailoutbox[0].body


# --- cancel ---------------------------------------------------------------------------------------


def confirmed(**kwargs):
    kwargs.setdefault("accepted_at", timezone.now())
    return BookingFactory(status=Status.CONFIRMED, **kwargs)


def confirmed_at_an_offered_hour(**kwargs):
    return offered_booking(status=Status.CONFIRMED, accepted_at=timezone.now(), **kwargs)


def test_booking_cancel_by_seeker_at_exactly_24_hours_is_free_one_second_later_is_late():
    free, late = confirmed_at_an_offered_hour(), confirmed_at_an_offered_hour()
    services.booking_cancel_by_seeker(
        booking_id=free.pk, seeker=free.seeker, now=free_cancellation_deadline(free)
    )
    services.booking_cancel_by_seeker(
        booking_id=late.pk, seeker=late.seeker, now=free_cancellation_deadline(late) + dt.timedelta(seconds=1)
    )
    free.refresh_from_db(), late.refresh_from_db()
    assert (free.status, free.money) == (Status.CANCELLED, Money.REFUND_FULL)
    assert (late.status, late.money) == (Status.LATE_CANCELLED, Money.KEEP_FEE)
    assert free.slot.status == late.slot.status == Slot.Status.OPEN


def test_booking_cancel_deadline_is_exact_across_a_dst_change():
    # A session at 10:00 on Sunday 1 Nov 2026 in Los Angeles; clocks fell back at 02:00 that day,
    # so exactly 24 hours earlier is 11:00 (not 10:00) on Saturday, wall-clock time.
    la = ZoneInfo("America/Los_Angeles")
    start = dt.datetime(2026, 11, 1, 10, tzinfo=la).astimezone(dt.UTC)
    booking = confirmed(slot__start=start, requested_at=start - dt.timedelta(days=3))
    deadline = free_cancellation_deadline(booking)
    assert deadline.astimezone(la).replace(tzinfo=None) == dt.datetime(2026, 10, 31, 11, 0)
    late = confirmed(slot__start=start + dt.timedelta(hours=1), requested_at=start - dt.timedelta(days=3))
    services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker, now=deadline)
    # 10:30 Saturday wall-clock looks like "more than 24 h" to a naive reading; it is 23.5 real hours.
    services.booking_cancel_by_seeker(
        booking_id=late.pk,
        seeker=late.seeker,
        now=free_cancellation_deadline(late) + dt.timedelta(minutes=30),
    )
    booking.refresh_from_db(), late.refresh_from_db()
    assert (booking.status, late.status) == (Status.CANCELLED, Status.LATE_CANCELLED)


def test_booking_cancel_by_seeker_twice_emails_once(django_capture_on_commit_callbacks, mailoutbox):
    booking = confirmed()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
        services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    assert sorted(subjects(mailoutbox)) == ["A session was cancelled", "Your session is cancelled"]
    invite = next(m for m in mailoutbox if m.to == [booking.seeker.user.email]).attachments[0][1]
    assert "METHOD:CANCEL" in invite


def test_booking_cancel_by_another_seeker_changes_nothing():
    booking = confirmed()
    with pytest.raises(BookingError):
        services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=SeekerFactory())
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_booking_cancel_by_supporter_is_free_and_asks_to_rebook(
    django_capture_on_commit_callbacks, mailoutbox
):
    booking = confirmed(hours_ahead=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter, reason="ill")
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.CANCELLED_BY_SUPPORTER, Money.REFUND_FULL)
    seeker_mail = next(m for m in mailoutbox if m.to == [booking.seeker.user.email])
    assert "won't pay anything" in seeker_mail.body
    assert f"/supporters/{booking.supporter_id}/" in seeker_mail.body


def test_booking_cancel_of_a_request_is_refused_with_a_pointer_to_withdraw():
    booking = BookingFactory()
    with pytest.raises(BookingError, match="withdraw"):
        services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)


# --- reschedule -------------------------------------------------------------------------------------


def test_booking_reschedule_moves_the_booking_keeps_money_and_bumps_sequence(
    django_capture_on_commit_callbacks, mailoutbox
):
    booking = confirmed_at_an_offered_hour()
    new_slot = SlotFactory(supporter=booking.supporter, start=booking.start + dt.timedelta(days=1))
    old_slot = booking.slot
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk)
        services.booking_reschedule(booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk)
    booking.refresh_from_db(), new_slot.refresh_from_db()
    assert (booking.slot, booking.start, booking.ics_sequence) == (new_slot, new_slot.start, 1)
    assert (booking.status, booking.money) == (Status.CONFIRMED, Money.CHARGE)
    assert new_slot.status == Slot.Status.BOOKED
    # The old hour is free again: the supporter still offers it.
    assert Slot.objects.get(pk=old_slot.pk).status == Slot.Status.OPEN
    assert sorted(subjects(mailoutbox)) == ["A session moved", "Your session has a new time"]
    invite = next(m for m in mailoutbox if m.to == [booking.seeker.user.email]).attachments[0][1]
    assert "SEQUENCE:1" in invite


def test_booking_reschedule_refused_inside_24_hours_or_to_another_supporter():
    booking = confirmed(hours_ahead=20)
    new_slot = SlotFactory(supporter=booking.supporter, start=booking.start + dt.timedelta(days=2))
    with pytest.raises(BookingError, match="24 hours"):
        services.booking_reschedule(booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk)
    later = confirmed(hours_ahead=72)
    foreign = SlotFactory(start=later.start + dt.timedelta(days=1))
    with pytest.raises(SlotTaken):
        services.booking_reschedule(booking_id=later.pk, seeker=later.seeker, new_slot_id=foreign.pk)
    later.refresh_from_db()
    assert later.ics_sequence == 0
    assert Slot.objects.get(pk=foreign.pk).status == Slot.Status.OPEN


# --- after the session ------------------------------------------------------------------------------


def test_bookings_complete_due_after_the_end_only():
    booking = confirmed(hours_ahead=5)
    assert services.bookings_complete_due(now=booking.end - dt.timedelta(seconds=1)) == 0
    assert services.bookings_complete_due(now=booking.end) == 1
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.COMPLETED, Money.KEEP_FEE)


def test_booking_mark_seeker_no_show_keeps_the_fee_inside_its_window():
    booking = confirmed(hours_ahead=5)
    with pytest.raises(BookingError, match="10 minutes after the start"):
        services.booking_mark_seeker_no_show(
            booking_id=booking.pk, supporter=booking.supporter, now=booking.start
        )
    services.booking_complete(booking_id=booking.pk, now=booking.end)
    services.booking_mark_seeker_no_show(
        booking_id=booking.pk, supporter=booking.supporter, now=booking.end + dt.timedelta(hours=1)
    )
    booking.refresh_from_db()
    assert (booking.status, booking.no_show_by, booking.money) == (Status.NO_SHOW, "seeker", Money.KEEP_FEE)


def test_supporter_absence_reported_by_seeker_then_confirmed_by_staff_refunds(django_user_model):
    booking = confirmed(hours_ahead=5)
    now = booking.start + dt.timedelta(minutes=15)
    services.booking_report_supporter_absent(booking_id=booking.pk, seeker=booking.seeker, now=now)
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.supporter_absent_reported_at == now
    staff = django_user_model.objects.create_user(email="ops@example.com", is_staff=True)
    services.booking_confirm_supporter_no_show(booking_id=booking.pk, staff=staff, now=now)
    booking.refresh_from_db()
    assert (booking.status, booking.no_show_by, booking.money) == (
        Status.NO_SHOW,
        "supporter",
        Money.REFUND_FULL,
    )


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DECLINED, "accept"),
        (Status.EXPIRED, "decline"),
        (Status.CANCELLED, "cancel_by_supporter"),
        (Status.COMPLETED, "cancel_by_seeker"),
        (Status.LATE_CANCELLED, "withdraw"),
        (Status.CONFIRMED, "decline"),
    ],
)
def test_refused_transitions_change_nothing(status, action):
    booking = BookingFactory(status=status)
    call = {
        "accept": lambda: services.booking_accept(booking_id=booking.pk, supporter=booking.supporter),
        "decline": lambda: services.booking_decline(booking_id=booking.pk, supporter=booking.supporter),
        "cancel_by_supporter": lambda: services.booking_cancel_by_supporter(
            booking_id=booking.pk, supporter=booking.supporter
        ),
        "cancel_by_seeker": lambda: services.booking_cancel_by_seeker(
            booking_id=booking.pk, seeker=booking.seeker
        ),
        "withdraw": lambda: services.booking_withdraw(booking_id=booking.pk, seeker=booking.seeker),
    }[action]
    with pytest.raises(BookingError):
        call()
    booking.refresh_from_db()
    assert booking.status == status
    assert not BookingEvent.objects.filter(booking=booking).exists()


# --- reminders --------------------------------------------------------------------------------------


def test_bookings_send_reminders_once_per_span(django_capture_on_commit_callbacks, mailoutbox):
    booking = confirmed(hours_ahead=30, accepted_at=timezone.now() - dt.timedelta(days=2))
    now = booking.start - dt.timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_send_reminders(now=now)
        services.bookings_send_reminders(now=now + dt.timedelta(minutes=5))
    assert sorted(subjects(mailoutbox)) == ["Your session is tomorrow", "Your session is tomorrow"]
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_send_reminders(now=booking.start - dt.timedelta(minutes=50))
    assert subjects(mailoutbox).count("Your session starts in an hour") == 2
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 4


@pytest.mark.django_db(transaction=True)
def test_booking_request_email_survives_a_redis_outage(redis_server, mailoutbox):
    """Redis (the Celery broker) is really down while a seeker books: the request still succeeds, the
    supporter's email waits in the outbox, and the periodic sweep sends it once Redis is back."""
    from peersnet.celery import app as celery_app

    seeker, slot = SeekerFactory(), SlotFactory(start=hour_from_now(30))
    redis_server.stop()
    broker_url = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url)
    celery_app._pool = None
    try:
        booking = request(seeker, slot)
    finally:
        celery_app.conf.update(task_always_eager=True, broker_url=broker_url)
        celery_app._pool = None
    assert booking.status == Status.REQUESTED
    assert mailoutbox == []
    pending = Notification.objects.get(key=f"booking-{booking.pk}-requested")
    assert pending.status == Notification.Status.PENDING
    from tests.notifications.helpers import sweep_when_due

    assert sweep_when_due() == 1
    assert subjects(mailoutbox) == ["New session request"]


# --- Fixes found in review ---------------------------------------------------------------------------


def test_payment_deadline_leaves_time_to_pay_when_accepted_late():
    from bookings.policy import payment_deadline

    start = timezone.now() + dt.timedelta(hours=5)
    assert payment_deadline(accepted_at=start - dt.timedelta(hours=5), start=start) == start - dt.timedelta(
        hours=2
    )
    late = start - dt.timedelta(minutes=90)  # accepted after start − 2 h, as the request rules allow
    assert payment_deadline(accepted_at=late, start=start) == late + dt.timedelta(minutes=30)
    very_late = start - dt.timedelta(minutes=10)
    assert payment_deadline(accepted_at=very_late, start=start) == start


def test_seeker_report_blocks_the_supporters_no_show_and_staff_can_overturn_it(django_user_model):
    booking = confirmed(hours_ahead=5)
    at = booking.start + dt.timedelta(minutes=15)
    services.booking_report_supporter_absent(booking_id=booking.pk, seeker=booking.seeker, now=at)
    with pytest.raises(BookingError, match="review"):
        services.booking_mark_seeker_no_show(booking_id=booking.pk, supporter=booking.supporter, now=at)
    # The other order: the supporter marks first, the seeker disputes, staff decide for the seeker.
    other = confirmed(hours_ahead=7)
    at = other.start + dt.timedelta(minutes=15)
    services.booking_mark_seeker_no_show(booking_id=other.pk, supporter=other.supporter, now=at)
    services.booking_report_supporter_absent(booking_id=other.pk, seeker=other.seeker, now=at)
    staff = django_user_model.objects.create_user(email="review@example.com", is_staff=True)
    services.booking_confirm_supporter_no_show(booking_id=other.pk, staff=staff, now=at)
    other.refresh_from_db()
    assert (other.status, other.no_show_by, other.money) == (Status.NO_SHOW, "supporter", Money.REFUND_FULL)


def test_moving_a_request_tells_the_supporter_and_keeps_their_deadline(
    django_capture_on_commit_callbacks, mailoutbox
):
    booking = BookingFactory(hours_ahead=72)
    deadline = booking.respond_by
    new_slot = SlotFactory(supporter=booking.supporter, start=booking.start + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk, now=booking.requested_at
        )
    booking.refresh_from_db()
    assert booking.respond_by == deadline
    assert subjects(mailoutbox, booking.supporter.user.email) == ["A session request has a new time"]


def test_money_sentence_says_what_happens_to_the_fee():
    from bookings.policy import money_sentence

    assert money_sentence(Booking(money=Money.REFUND_FULL, amount_paid_cents=6500)) == (
        "We're refunding the full $65 to your card; it usually shows within 5 to 10 business days."
    )
    assert "gift session is back" in money_sentence(Booking(money=Money.REFUND_FULL, paid_with_credit=True))
    late = Booking(status=Status.LATE_CANCELLED, money=Money.KEEP_FEE, amount_paid_cents=6500)
    assert money_sentence(late) == "Because it was less than 24 hours before the start, the full fee is kept."
    unpaid = Booking(status=Status.LATE_CANCELLED, money=Money.NOTHING_TO_CHARGE)
    assert money_sentence(unpaid) == "You won't pay anything for it."


def test_bookings_cancel_inside_leave_frees_requests_and_sessions_on_leave_days_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    confirmed = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    supporter = confirmed.supporter
    requested = BookingFactory(
        supporter=supporter, slot__supporter=supporter, status=Status.REQUESTED, hours_ahead=49
    )
    outside = BookingFactory(
        supporter=supporter, slot__supporter=supporter, status=Status.CONFIRMED, hours_ahead=24 * 10
    )
    day = confirmed.start.astimezone(supporter.tzinfo).date()
    LeaveFactory(supporter=supporter, start_date=day, end_date=day + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_cancel_inside_leave(supporter=supporter) == 2
    for booking in (confirmed, requested, outside):
        booking.refresh_from_db()
    assert (confirmed.status, requested.status, outside.status) == (
        Status.CANCELLED_BY_SUPPORTER,
        Status.DECLINED,
        Status.CONFIRMED,
    )
    assert confirmed.money == Booking.Money.REFUND_FULL  # free for the seeker
    assert services.bookings_cancel_inside_leave(supporter=supporter) == 0  # nothing left; safe to rerun
