"""Immediate backup: the window (during a session and an hour after), one open request per booking, paging
the supervisors on duty (or all of them), acknowledgement, the waiting page and who may see what."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from privacy.models import AccessLog
from safety import services
from safety.backup_selectors import queue_items
from safety.models import BackupRequest, DutyShift
from tests.safety.people import outsiders, session, supervisor

pytestmark = pytest.mark.django_db

NOTE = "NOTE-secret the seeker said something frightening"


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (lambda b: b.start - dt.timedelta(minutes=1), False),
        (lambda b: b.start + dt.timedelta(minutes=20), True),
        (lambda b: b.end + dt.timedelta(minutes=59), True),
        (lambda b: b.end + dt.timedelta(minutes=61), False),
    ],
    ids=["before", "during", "59-min-after", "61-min-after"],
)
def test_the_button_and_the_endpoint_follow_the_window(client, moment, open_):
    supervisor()
    booking = session(hours_ahead=2)
    client.force_login(booking.supporter.user)
    with time_machine.travel(moment(booking), tick=False):
        page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
        assert ("Get backup now" in page) is open_
        assert "File a mandatory report" in page
        response = client.post(reverse("safety:backup_request", args=[booking.pk]), {"note": ""}, follow=True)
    assert BackupRequest.objects.exists() is open_
    if open_:
        assert response.redirect_chain[-1][0] == reverse(
            "safety:backup_status", args=[BackupRequest.objects.get().pk]
        )
    else:
        assert "during a session and for an hour after it ends" in response.content.decode()


def test_a_cancelled_session_never_offers_backup():
    booking = session(hours_ahead=2, status="cancelled")
    with (
        time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False),
        pytest.raises(services.BackupError),
    ):
        services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter)


def test_pressing_again_shows_the_same_request_and_pages_once(django_capture_on_commit_callbacks, mailoutbox):
    first, second = supervisor(), supervisor()
    booking = session(hours_ahead=2)
    # A name of their own: a random one could be a supervisor's, or a word the email starts a sentence with.
    seeker_user = booking.seeker.user
    seeker_user.first_name = "Quenby"
    seeker_user.save(update_fields=["first_name"])
    with (
        time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        one = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter, note=NOTE)
        two = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter)
    assert one == two and BackupRequest.objects.count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])  # nobody on duty: all
    for notification in Notification.objects.all():
        text = notification.subject + notification.body_text + notification.body_html
        assert "NOTE-secret" not in text and booking.seeker.user.first_name not in text
        assert f"/safety/backup/{one.pk}/review/" in notification.body_text


def test_the_supervisors_on_duty_are_paged_when_there_are_any(django_capture_on_commit_callbacks, mailoutbox):
    on_duty, off_duty, later = supervisor(), supervisor(), supervisor()
    booking = session(hours_ahead=2)
    now = booking.start + dt.timedelta(minutes=5)
    DutyShift.objects.create(
        supervisor=on_duty, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3)
    )
    DutyShift.objects.create(
        supervisor=later, starts_at=now + dt.timedelta(hours=3), ends_at=now + dt.timedelta(hours=8)
    )
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter)
    assert [m.to[0] for m in mailoutbox] == [on_duty.email]
    assert off_duty.email not in [m.to[0] for m in mailoutbox]


def test_after_an_acknowledgement_a_new_request_can_be_made():
    boss = supervisor()
    booking = session(hours_ahead=2)
    with time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False):
        first = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter)
        acknowledged = services.backup_acknowledge(request_id=first.pk, supervisor=boss)
        assert acknowledged.acknowledged_by == boss and acknowledged.acknowledged_at is not None
        services.backup_acknowledge(request_id=first.pk, supervisor=supervisor())  # the first stays
        first.refresh_from_db()
        assert first.acknowledged_by == boss
        second = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter)
    assert second != first


def test_the_supporter_sees_the_acknowledgement_and_the_supervisor_read_is_logged(client):
    boss = supervisor(first_name="Grace")
    booking = session(hours_ahead=2)
    with time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False):
        backup = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter, note=NOTE)
    status = reverse("safety:backup_status", args=[backup.pk])
    client.force_login(booking.supporter.user)
    page = client.get(status).content.decode()
    assert "9am to midnight Pacific" in page and 'hx-trigger="every 10s"' in page and "911" in page
    client.force_login(boss)
    page = client.get(reverse("safety:backup_detail", args=[backup.pk])).content.decode()
    assert NOTE in page
    assert AccessLog.objects.filter(actor=boss, object_id=str(backup.pk)).count() == 1
    assert client.post(reverse("safety:backup_acknowledge", args=[backup.pk])).status_code == 302
    client.force_login(booking.supporter.user)
    fragment = client.get(status, headers={"HX-Request": "true"}).content.decode()
    assert "Grace has picked up your request" in fragment and "hx-trigger" not in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize("who", ["supporter", "seeker", "staff"])
def test_everyone_else_gets_a_404(client, who):
    booking = session(hours_ahead=2)
    with time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False):
        backup = services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter, note=NOTE)
        client.force_login(outsiders()[who])
        for method, url in [
            ("post", reverse("safety:backup_request", args=[booking.pk])),
            ("get", reverse("safety:backup_status", args=[backup.pk])),
            ("get", reverse("safety:backup_detail", args=[backup.pk])),
            ("post", reverse("safety:backup_acknowledge", args=[backup.pk])),
        ]:
            response = getattr(client, method)(url)
            assert response.status_code == 404, (who, url)
            assert "NOTE-secret" not in response.content.decode()
    backup.refresh_from_db()
    assert backup.acknowledged_at is None and BackupRequest.objects.count() == 1


def test_the_queue_section_lists_open_requests_in_one_query(django_assert_max_num_queries, settings):
    boss = supervisor()
    bookings = [session(hours_ahead=2 + i) for i in range(3)]
    made = []
    for booking in bookings:
        with time_machine.travel(booking.start + dt.timedelta(minutes=5), tick=False):
            made.append(services.backup_request_create(booking_id=booking.pk, supporter=booking.supporter))
    services.backup_acknowledge(request_id=made[0].pk, supervisor=boss)
    with django_assert_max_num_queries(1):
        found = queue_items(bookings[-1].end)
    assert [item.url for item in found] == [reverse("safety:backup_detail", args=[r.pk]) for r in made[1:]]
    assert found[0].due_at == made[1].requested_at + settings.SAFETY_BACKUP_ACKNOWLEDGE_WITHIN


def test_operations_keep_the_rota_in_the_admin(client):
    from django.contrib.auth.models import Group

    from tests.factories import StaffFactory
    from tests.safety.people import with_mfa

    ops = with_mfa(StaffFactory())
    ops.groups.add(Group.objects.get(name="operations"))
    boss = supervisor()
    client.force_login(ops)
    response = client.post(
        reverse("admin:safety_dutyshift_add"),
        {"supervisor": boss.pk, "starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T08:00"},
    )
    assert response.status_code == 200 and not DutyShift.objects.exists()  # ends before it starts
    response = client.post(
        reverse("admin:safety_dutyshift_add"),
        {"supervisor": boss.pk, "starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T17:00"},
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert shift.supervisor == boss and shift.ends_at - shift.starts_at == dt.timedelta(hours=8)
