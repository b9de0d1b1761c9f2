import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_request
from seekers.models import Intake
from tests.factories import BookingFactory, SeekerFactory, SlotFactory, hour_from_now
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db

Status = Booking.Status


def login_seeker(client, seeker):
    client.force_login(seeker.user)
    return seeker


def login_supporter(client, supporter):
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    return supporter


def add_intake(seeker):
    now = timezone.now()
    return Intake.objects.create(
        seeker=seeker,
        preferred_name="Al",
        hopes="Someone to talk to",
        emergency_contact_name="Sam",
        emergency_contact_phone="+1 555 123 4567",
        acknowledged_at=now,
        completed_at=now,
    )


def test_booking_request_without_a_card_asks_for_one_first(client):
    login_seeker(client, SeekerFactory())
    slot = SlotFactory(start=hour_from_now(30))
    response = client.get(reverse("bookings:request", args=[slot.pk]))
    page = response.content.decode()
    # The summary comes first (who, when in their zone, the fee, the rule), then the card step.
    assert response.status_code == 200
    assert slot.supporter.display_name in page and "$65, charged only if" in page
    assert "24 hours before it starts" in page
    card_url = (
        f"{reverse('payments:card')}?next={reverse('bookings:request', args=[slot.pk])}"
        f"&amp;back={reverse('supporters:profile', args=[slot.supporter_id])}"
    )
    assert f'href="{card_url}"' in page
    response = client.post(reverse("bookings:request", args=[slot.pk]), {"no_personal_relationship": "on"})
    assert response.status_code == 200 and "Continue: add a card" in response.content.decode()
    assert not Booking.objects.exists()
    # The card page's Cancel goes back to the profile, not to the booking step (no loop).
    card_page = client.get(card_url.replace("&amp;", "&")).content.decode()
    assert f'<a href="{reverse("supporters:profile", args=[slot.supporter_id])}">Cancel</a>' in card_page


def test_booking_request_page_then_request_holds_slot_and_asks_for_intake(client):
    seeker = login_seeker(client, SeekerFactory())
    give_card(seeker)
    slot = SlotFactory(start=hour_from_now(30))
    page = client.get(reverse("bookings:request", args=[slot.pk]))
    assert page.status_code == 200
    assert "I don&#x27;t know this supporter outside peersnet" in page.content.decode()
    refused = client.post(reverse("bookings:request", args=[slot.pk]), {})
    assert refused.status_code == 200
    assert "Please confirm this" in refused.content.decode()
    assert not Booking.objects.exists()
    response = client.post(reverse("bookings:request", args=[slot.pk]), {"no_personal_relationship": "on"})
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bookings:sent", args=[booking.pk])
    assert (booking.seeker, booking.status) == (seeker, Status.REQUESTED)
    sent = client.get(response.url).content.decode()
    assert "Request sent" in sent and "$65" in sent and "Nothing is charged before that" in sent
    assert f'href="{reverse("seekers:intake")}?next={reverse("bookings:detail", args=[booking.pk])}"' in sent
    assert ">Later</a>" in sent


def test_booking_request_loser_is_told_and_shown_other_times(client):
    give_card(login_seeker(client, SeekerFactory()))
    slot = SlotFactory(start=hour_from_now(30))
    other = SlotFactory(supporter=slot.supporter, start=slot.start + dt.timedelta(hours=1))
    # Someone else requests it between our page load and our click.
    someone = give_card(SeekerFactory()).seeker
    booking_request(seeker=someone, slot_id=slot.pk, confirms_no_personal_relationship=True)
    response = client.post(reverse("bookings:request", args=[slot.pk]), {"no_personal_relationship": "on"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "someone just took that time" in body
    assert reverse("bookings:request", args=[other.pk]) in body


def test_booking_request_requires_a_verified_seeker(client):
    slot = SlotFactory()
    assert client.get(reverse("bookings:request", args=[slot.pk])).url.startswith(reverse("account_login"))
    unverified = SeekerFactory(user__verified=False)
    client.force_login(unverified.user)
    assert client.get(reverse("bookings:request", args=[slot.pk])).url == reverse("account_email")


def test_supporter_dashboard_accept_and_decline(client, django_capture_on_commit_callbacks, mailoutbox):
    first = BookingFactory()
    second = BookingFactory(slot__supporter=first.supporter, hours_ahead=80)
    give_card(first.seeker)
    add_intake(first.seeker)
    login_supporter(client, first.supporter)
    page = client.get(reverse("bookings:supporter_dashboard")).content.decode()
    assert first.seeker.user.first_name in page
    assert "intake complete" in page and "intake not done yet" in page
    assert "Someone to talk to" not in page  # intake answers are not shown unless shared
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookings:accept", args=[first.pk]))
        client.post(reverse("bookings:decline", args=[second.pk]), {"reason": "Not a good fit"})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (Status.CONFIRMED, Status.DECLINED)
    assert "Not a good fit" not in "".join(m.body for m in mailoutbox)


def test_htmx_post_answers_with_a_client_redirect(client):
    booking = BookingFactory()
    login_supporter(client, booking.supporter)
    response = client.post(reverse("bookings:accept", args=[booking.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("bookings:supporter_dashboard")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("bookings:detail", "get"),
        ("bookings:join", "get"),
        ("bookings:ics", "get"),
        ("bookings:withdraw", "post"),
        ("bookings:cancel", "get"),
        ("bookings:cancel", "post"),
        ("bookings:reschedule", "get"),
        ("bookings:report_absent", "post"),
    ],
)
def test_another_seeker_gets_404_on_every_booking_url(client, name, method):
    booking = BookingFactory(status=Status.CONFIRMED)
    login_seeker(client, SeekerFactory())
    response = getattr(client, method)(reverse(name, args=[booking.pk]))
    assert response.status_code == 404
    response = getattr(client, method)(reverse(name, args=[booking.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("bookings:detail", "get"),
        ("bookings:accept", "post"),
        ("bookings:decline", "get"),
        ("bookings:decline", "post"),
        ("bookings:supporter_cancel", "post"),
        ("bookings:no_show", "post"),
    ],
)
def test_another_supporter_gets_404_on_every_booking_url(client, name, method):
    booking = BookingFactory()
    login_supporter(client, SlotFactory().supporter)
    assert getattr(client, method)(reverse(name, args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED


def test_cancel_page_says_which_case_applies_with_the_deadline_in_the_seekers_zone(client):
    seeker = SeekerFactory(user__time_zone="Europe/London")
    booking = BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=72)
    login_seeker(client, seeker)
    page = client.get(reverse("bookings:cancel", args=[booking.pk])).content.decode()
    deadline = timezone.localtime(booking.start - dt.timedelta(hours=24), seeker.user.tzinfo)
    assert "This cancellation is free" in page
    assert deadline.strftime("%-I:%M") in page
    assert "GMT" in page or "BST" in page
    late = BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=5)
    page = client.get(reverse("bookings:cancel", args=[late.pk])).content.decode()
    assert "late cancellation: the full fee is kept" in page


def test_join_is_only_open_from_10_minutes_before_to_the_end(client):
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=30)
    add_intake(booking.seeker)
    login_seeker(client, booking.seeker)
    url = reverse("bookings:join", args=[booking.pk])
    with time_machine.travel(booking.start - dt.timedelta(minutes=11), tick=False):
        assert client.get(url).url == reverse("bookings:detail", args=[booking.pk])
    with time_machine.travel(booking.start - dt.timedelta(minutes=10), tick=False):
        assert client.get(url).url == booking.video_url
    with time_machine.travel(booking.end, tick=False):
        assert client.get(url).url == reverse("bookings:detail", args=[booking.pk])


def test_join_first_session_needs_the_intake(client):
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=30)
    login_seeker(client, booking.seeker)
    with time_machine.travel(booking.start, tick=False):
        assert client.get(reverse("bookings:join", args=[booking.pk])).url.startswith(
            reverse("seekers:intake")
        )


def test_intake_saves_and_bad_phone_changes_nothing(client):
    seeker = login_seeker(client, SeekerFactory())
    data = {
        "preferred_name": "Al",
        "pronouns": "they/them",
        "hopes": "To feel less alone",
        "emergency_contact_name": "Sam",
        "emergency_contact_phone": "call me maybe",
        "share_preferred_name": "on",
        "acknowledge": "on",
    }
    response = client.post(reverse("seekers:intake"), data)
    assert "Enter a phone number" in response.content.decode()
    assert not Intake.objects.exists()
    client.post(reverse("seekers:intake"), {**data, "emergency_contact_phone": "+1 555 123 4567"})
    intake = Intake.objects.get(seeker=seeker)
    assert intake.shared_answers() == {"Preferred name": "Al"}


def test_portal_lists_upcoming_with_actions_and_calendar_download(client):
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=72)
    login_seeker(client, booking.seeker)
    page = client.get(reverse("bookings:portal")).content.decode()
    for name in ("join", "reschedule", "cancel", "ics"):
        assert reverse(f"bookings:{name}", args=[booking.pk]) in page
    ics = client.get(reverse("bookings:ics", args=[booking.pk]))
    assert ics["Content-Type"] == "text/calendar"
    from icalendar import Calendar

    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"booking-{booking.pk}@127.0.0.1"
    assert event.decoded("DTSTART") == booking.start


def test_leave_sessions_page_cancels_sessions_inside_the_leave(client):
    from tests.factories import LeaveFactory

    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=72)
    outside = BookingFactory(status=Status.CONFIRMED, hours_ahead=24 * 20, slot__supporter=booking.supporter)
    day = timezone.localtime(booking.start, booking.supporter.tzinfo).date()
    LeaveFactory(supporter=booking.supporter, start_date=day, end_date=day + dt.timedelta(days=3))
    login_supporter(client, booking.supporter)
    page = client.get(reverse("bookings:leave_sessions")).content.decode()
    assert "Cancel all 1" in page
    client.post(reverse("bookings:leave_sessions"))
    booking.refresh_from_db(), outside.refresh_from_db()
    assert (booking.status, outside.status) == (Status.CANCELLED_BY_SUPPORTER, Status.CONFIRMED)


def test_seeker_portal_query_count_is_constant(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seeker = login_seeker(client, SeekerFactory())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("bookings:portal")).status_code == 200
        return len(queries)

    BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=30)
    one = count()
    for hours in (54, 78, 102, 126, 150):
        BookingFactory(seeker=seeker, status=Status.CONFIRMED, hours_ahead=hours)
    BookingFactory(seeker=seeker, status=Status.COMPLETED, hours_ahead=-30)
    assert count() == one
    assert one <= 16


def test_supporter_sees_only_the_intake_answers_the_seeker_shared(client):
    booking = BookingFactory()
    intake = add_intake(booking.seeker)
    intake.share_preferred_name, intake.share_hopes = True, False
    intake.save()
    login_supporter(client, booking.supporter)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Intake complete" in page
    assert "Preferred name" in page and ">Al<" in page
    assert "Someone to talk to" not in page
    assert "+1 555 123 4567" not in page  # the emergency contact is never shown to supporters


def test_feedback_page_of_another_seeker_is_404(client):
    booking = BookingFactory(status=Status.COMPLETED, hours_ahead=-30)
    login_seeker(client, SeekerFactory())
    assert client.get(reverse("bookings:feedback", args=[booking.pk])).status_code == 404
    assert (
        client.post(reverse("bookings:feedback", args=[booking.pk]), {"choice": "refund"}).status_code == 404
    )
    booking.refresh_from_db()
    assert booking.status == Status.COMPLETED


def test_calendar_invite_only_for_confirmed_sessions(client):
    booking = BookingFactory()  # requested: the invite would carry the video link
    login_seeker(client, booking.seeker)
    assert client.get(reverse("bookings:ics", args=[booking.pk])).status_code == 404
    booking.status = Status.CONFIRMED
    booking.save()
    assert client.get(reverse("bookings:ics", args=[booking.pk])).status_code == 200


def test_shared_intake_is_not_shown_on_a_declined_request(client):
    booking = BookingFactory(status=Status.DECLINED)
    add_intake(booking.seeker)
    login_supporter(client, booking.supporter)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert ">Al<" not in page


def test_supporter_dashboard_query_count_is_the_same_for_one_and_ten_bookings(
    client, django_assert_max_num_queries
):
    """Requests (with intake and earlier-session counts), upcoming and past sessions: no query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = BookingFactory(status=Status.REQUESTED, hours_ahead=30)
    supporter = login_supporter(client, first.supporter)
    url = reverse("bookings:supporter_dashboard")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    one = len(queries)
    for hours in (54, 78, 102):
        BookingFactory(
            supporter=supporter, slot__supporter=supporter, status=Status.REQUESTED, hours_ahead=hours
        )
    for hours in (126, 150, 174):
        BookingFactory(
            supporter=supporter, slot__supporter=supporter, status=Status.CONFIRMED, hours_ahead=hours
        )
    for hours in (-30, -54, -78):
        BookingFactory(
            supporter=supporter, slot__supporter=supporter, status=Status.COMPLETED, hours_ahead=hours
        )
    with django_assert_max_num_queries(one):
        page = client.get(url).content.decode()
    assert page.count('class="booking-row card"') == 10


@pytest.mark.parametrize("name", ["bookings:detail", "bookings:join", "bookings:ics"])
def test_participant_pages_send_a_signed_out_visitor_to_log_in_and_strangers_get_404(client, name):
    booking = BookingFactory(status=Status.CONFIRMED)
    url = reverse(name, args=[booking.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    login_seeker(client, SeekerFactory())
    assert client.get(url).status_code == 404
    login_seeker(client, booking.seeker)
    assert client.get(url).status_code in (200, 302)  # the join page redirects to the room or the detail


def test_booking_detail_offers_only_what_the_policy_allows_now(client):
    """Two days ahead: reschedule and cancel; inside the last day: cancel (charged), no reschedule."""
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=48)
    login_seeker(client, booking.seeker)
    url = reverse("bookings:detail", args=[booking.pk])
    page = client.get(url).content.decode()
    assert reverse("bookings:reschedule", args=[booking.pk]) in page
    assert reverse("bookings:cancel", args=[booking.pk]) in page
    assert "for free until" in page
    with time_machine.travel(booking.start - dt.timedelta(hours=2)):
        page = client.get(url).content.decode()
    assert reverse("bookings:reschedule", args=[booking.pk]) not in page
    assert reverse("bookings:cancel", args=[booking.pk]) in page
    assert "less than 24 hours before the start" in page
