"""The private 1–5 rating and comment on a completed session: kept encrypted, read by supervisors only
(each read in the access log), never shown to the supporter, summed up per supporter over 90 days for
supervision in name order (a coaching signal, not a ranking)."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking, SessionFeedback
from bookings.selectors import feedback_summary_by_supporter
from peersnet.kernel.crypto import decrypt
from privacy.models import AccessLog
from privacy.roles import SUPERVISOR
from tests.factories import BookingFactory, StaffFactory, SupporterFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
COMMENT = "Felt rushed at the end, but kind."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def completed(supporter=None, *, days_ago: float = 1) -> Booking:
    kwargs = {"supporter": supporter} if supporter else {}
    return BookingFactory(status=Booking.Status.COMPLETED, hours_ahead=-24 * days_ago, **kwargs)


def staff(*, supervisor: bool):
    user = StaffFactory()
    if supervisor:
        user.groups.add(Group.objects.get_or_create(name=SUPERVISOR)[0])
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def test_seeker_rates_privately_and_the_comment_is_encrypted_at_rest(client):
    booking = completed()
    client.force_login(booking.seeker.user)
    response = client.post(
        reverse("bookings:feedback", args=[booking.pk]),
        {"choice": "loved", "rating": "4", "comment": COMMENT},
    )
    assert response.status_code == 302
    feedback = SessionFeedback.objects.get(booking=booking)
    assert (feedback.loved, feedback.rating, feedback.comment) == (True, 4, COMMENT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM bookings_sessionfeedback WHERE id = %s", [feedback.pk])
        stored = cursor.fetchone()[0]
    assert COMMENT not in stored and decrypt(stored) == COMMENT


def test_the_guarantee_needs_no_rating_and_a_bad_rating_changes_nothing(client):
    booking = completed()
    client.force_login(booking.seeker.user)
    bad = client.post(reverse("bookings:feedback", args=[booking.pk]), {"choice": "loved", "rating": "9"})
    assert bad.status_code == 200 and not SessionFeedback.objects.exists()
    with pytest.raises(services.BookingError):
        services.booking_feedback(booking_id=booking.pk, seeker=booking.seeker, loved=True, rating=0)
    assert not SessionFeedback.objects.exists()


def test_the_supporter_never_sees_the_rating_the_comment_or_who_rated(client):
    booking = completed()
    SessionFeedback.objects.create(booking=booking, loved=True, rating=2, comment=COMMENT)
    TOTP.activate(booking.supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(booking.supporter.user)
    for url in (reverse("bookings:supporter_dashboard"), reverse("bookings:detail", args=[booking.pk])):
        page = client.get(url).content.decode()
        assert COMMENT not in page
        assert "rating" not in page.lower() and "rated" not in page.lower()
    # Not the admin either: a supporter is not staff, and staff who aren't supervisors can't open it.
    assert client.get(reverse("admin:bookings_sessionfeedback_changelist")).status_code == 302
    client.force_login(staff(supervisor=False))
    for url in (
        reverse("admin:bookings_sessionfeedback_changelist"),
        reverse("admin:bookings_sessionfeedback_change", args=[booking.feedback.pk]),
        reverse("admin:bookings_guarantee_by_supporter"),
    ):
        assert client.get(url).status_code == 403


def test_a_supervisor_reads_the_feedback_and_the_read_is_logged(client):
    booking = completed()
    feedback = SessionFeedback.objects.create(booking=booking, loved=True, rating=5, comment=COMMENT)
    supervisor = staff(supervisor=True)
    client.force_login(supervisor)
    assert client.get(reverse("admin:bookings_sessionfeedback_changelist")).status_code == 200
    page = client.get(reverse("admin:bookings_sessionfeedback_change", args=[feedback.pk]))
    assert page.status_code == 200 and COMMENT in page.content.decode()
    log = AccessLog.objects.get(actor=supervisor)
    assert log.object_id == str(feedback.pk) and COMMENT not in log.record


def test_the_summary_counts_the_last_90_days_in_name_order(client, django_assert_num_queries):
    ana, bo = SupporterFactory(display_name="Ana"), SupporterFactory(display_name="Bo")
    for rating in (5, 3):
        SessionFeedback.objects.create(booking=completed(bo), loved=True, rating=rating)
    SessionFeedback.objects.create(booking=completed(bo), loved=False)  # a guarantee claim, not rated
    SessionFeedback.objects.create(booking=completed(ana), loved=True, rating=1)
    SessionFeedback.objects.create(booking=completed(ana, days_ago=120), loved=False, rating=1)  # too old
    completed(ana)  # no feedback

    with django_assert_num_queries(1):
        rows = feedback_summary_by_supporter(now=timezone.now())
    summary = {row.display_name: (row.sessions, row.ratings, row.average_rating, row.claims) for row in rows}
    assert [row.display_name for row in rows] == ["Ana", "Bo"]  # by name: never a ranking
    assert summary["Ana"] == (2, 1, 1.0, 0)
    assert summary["Bo"] == (3, 2, 4.0, 1)

    client.force_login(staff(supervisor=True))
    page = client.get(reverse("admin:bookings_guarantee_by_supporter")).content.decode()
    assert "Session feedback by supporter" in page and "4.0" in page and "not a ranking" in page
