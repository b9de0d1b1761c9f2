"""Every read of an intake by staff (and by a supporter, of the shared answers) writes one access-log row;
staff changes are logged without the answers' text; the log itself can't be changed through the admin."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bookings.models import Booking
from privacy.models import AccessLog
from seekers.models import Intake
from tests.factories import BookingFactory, StaffFactory

pytestmark = pytest.mark.django_db

HOPES = "Someone-to-talk-to-about-exams"
PHONE = "+1 555 123 4567"


def staff(role: str | None = None, **fields):
    user = StaffFactory(**fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def intake_of(seeker, **fields) -> Intake:
    now = timezone.now()
    return Intake.objects.create(
        seeker=seeker,
        preferred_name="Al",
        hopes=HOPES,
        emergency_contact_name="Sam",
        emergency_contact_phone=PHONE,
        acknowledged_at=now,
        completed_at=now,
        **fields,
    )


@pytest.fixture
def booking(db):
    return BookingFactory(status=Booking.Status.CONFIRMED)


def test_a_supervisor_reading_an_intake_writes_one_row_per_view(client, booking):
    intake = intake_of(booking.seeker)
    supervisor = staff("supervisor")
    client.force_login(supervisor)
    url = f"/admin/seekers/intake/{intake.pk}/change/"

    response = client.get(url)

    assert response.status_code == 200 and HOPES in response.content.decode()
    row = AccessLog.objects.get()
    assert (row.actor, row.kind, row.object_id, row.page) == (
        supervisor,
        AccessLog.Kind.READ,
        str(intake.pk),
        url,
    )
    assert row.content_type == ContentType.objects.get_for_model(Intake)
    assert HOPES not in row.record and "Al" not in row.record.split()
    client.get(url)
    assert AccessLog.objects.count() == 2


def test_the_intake_list_shows_no_answers_and_logs_nothing(client, booking):
    intake_of(booking.seeker)
    client.force_login(staff("supervisor"))
    response = client.get("/admin/seekers/intake/")
    assert response.status_code == 200 and HOPES not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_refused_or_missing_intake_page_logs_nothing(client, booking):
    intake = intake_of(booking.seeker)
    client.force_login(staff("operations"))
    assert client.get(f"/admin/seekers/intake/{intake.pk}/change/").status_code == 403
    client.force_login(staff("supervisor"))
    assert client.get(f"/admin/seekers/intake/{intake.pk + 99}/change/").status_code == 302
    assert not AccessLog.objects.exists()


def test_a_supervisor_cannot_change_an_intake(client, booking):
    intake = intake_of(booking.seeker)
    client.force_login(staff("supervisor"))
    response = client.post(f"/admin/seekers/intake/{intake.pk}/change/", {"hopes": "changed"})
    assert response.status_code == 403
    intake.refresh_from_db()
    assert intake.hopes == HOPES
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.CHANGE).exists()


def test_a_staff_change_is_logged_with_plain_fields_and_never_the_answers(client, booking):
    intake = intake_of(booking.seeker)
    root = staff(is_superuser=True)
    client.force_login(root)
    url = f"/admin/seekers/intake/{intake.pk}/change/"
    response = client.post(
        url,
        {
            "preferred_name": "Al",
            "pronouns": "",
            "hopes": HOPES,
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "+1 555 000 0000",
            "share_preferred_name": "on",
            "share_pronouns": "on",
            "share_hopes": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AccessLog.objects.get(kind=AccessLog.Kind.CHANGE)
    assert change.actor == root and change.page == url
    assert change.changes["emergency_contact_phone"] == "changed"
    assert change.changes["share_hopes"] == [False, True]
    assert "hopes" not in change.changes  # unchanged
    text = str(change.changes)
    assert PHONE not in text and "555 000 0000" not in text


def test_a_supporter_reading_shared_answers_is_logged(client, booking):
    intake_of(booking.seeker, share_hopes=True)
    TOTP.activate(booking.supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(booking.supporter.user)
    response = client.get(f"/sessions/{booking.pk}/")
    assert response.status_code == 200 and HOPES in response.content.decode()
    row = AccessLog.objects.get()
    assert row.actor == booking.supporter.user and row.page == f"/sessions/{booking.pk}/"
    assert "shared answers" in row.record


def test_nothing_shared_or_the_seeker_themselves_is_not_logged(client, booking):
    intake_of(booking.seeker, share_preferred_name=False, share_pronouns=False)
    TOTP.activate(booking.supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(booking.supporter.user)
    assert client.get(f"/sessions/{booking.pk}/").status_code == 200
    client.force_login(booking.seeker.user)
    assert client.get(f"/sessions/{booking.pk}/").status_code == 200
    assert not AccessLog.objects.exists()


def test_a_booking_page_showing_a_private_reason_is_logged(client, db):
    declined = BookingFactory(status=Booking.Status.DECLINED, decline_reason="Too close to a friend")
    plain = BookingFactory(status=Booking.Status.CONFIRMED)
    ops = staff("operations")
    client.force_login(ops)
    assert client.get(f"/admin/bookings/booking/{plain.pk}/change/").status_code == 200
    assert not AccessLog.objects.exists()
    assert client.get(f"/admin/bookings/booking/{declined.pk}/change/").status_code == 200
    row = AccessLog.objects.get()
    assert row.actor == ops and row.object_id == str(declined.pk) and "Too close" not in row.record


# --- the access log in the admin ---------------------------------------------------------------------


@pytest.fixture
def logged(client, booking):
    """Two people read two intakes."""
    other = BookingFactory(status=Booking.Status.CONFIRMED)
    first, second = intake_of(booking.seeker), intake_of(other.seeker)
    readers = [
        staff("supervisor", email="reader-one@example.com"),
        staff("supervisor", email="reader-two@example.com"),
    ]
    for reader, intake in [(readers[0], first), (readers[0], second), (readers[1], first)]:
        client.force_login(reader)
        client.get(f"/admin/seekers/intake/{intake.pk}/change/")
    assert AccessLog.objects.count() == 3
    return {"intakes": [first, second], "readers": readers}


def test_supervisors_filter_the_log_by_person_and_record(client, logged, django_assert_max_num_queries):
    first, second = logged["intakes"]
    client.force_login(staff("supervisor"))
    content_type = ContentType.objects.get_for_model(Intake).pk

    page = client.get(f"/admin/privacy/accesslog/?actor__id__exact={logged['readers'][1].pk}")
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    page = client.get(
        f"/admin/privacy/accesslog/?content_type__id__exact={content_type}&object_id={first.pk}"
    )
    assert page.context["cl"].result_count == 2
    page = client.get("/admin/privacy/accesslog/", {"q": f"Intake {second.pk} "})
    assert page.context["cl"].result_count == 1
    page = client.get("/admin/privacy/accesslog/")
    body = page.content.decode()
    assert "reader-one@example.com" in body and "all access to this record" in body
    # The list costs the same however many rows it shows.
    # 13: the admin header asks once whether the reader is a supervisor (the messages queue link).
    with django_assert_max_num_queries(13):
        client.get("/admin/privacy/accesslog/")


@pytest.mark.parametrize("who", ["supervisor", "superuser"])
def test_nobody_can_add_change_or_delete_a_log_row(client, logged, who):
    user = staff(is_superuser=True) if who == "superuser" else staff("supervisor")
    client.force_login(user)
    row = AccessLog.objects.order_by("pk").first()
    before = list(AccessLog.objects.order_by("pk").values())

    page = client.get(f"/admin/privacy/accesslog/{row.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    responses = [
        client.post(f"/admin/privacy/accesslog/{row.pk}/change/", {"record": "edited", "page": "/x/"}),
        client.post(f"/admin/privacy/accesslog/{row.pk}/delete/", {"post": "yes"}),
        client.post("/admin/privacy/accesslog/add/", {"record": "made up"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    client.post(
        "/admin/privacy/accesslog/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert list(AccessLog.objects.order_by("pk").values()) == before


def test_operations_and_trainers_cannot_read_the_log(client, logged):
    for role in ["operations", "trainer"]:
        client.force_login(staff(role))
        response = client.get("/admin/privacy/accesslog/")
        assert response.status_code == 403 and "reader-one@example.com" not in response.content.decode()


def test_a_superuser_deleting_an_intake_is_logged(client, booking):
    intake = intake_of(booking.seeker)
    pk = intake.pk
    root = staff(is_superuser=True)
    client.force_login(root)
    response = client.post(f"/admin/seekers/intake/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Intake.objects.filter(pk=pk).exists()
    row = AccessLog.objects.get(kind=AccessLog.Kind.CHANGE)
    assert (row.actor, row.object_id, row.changes) == (root, str(pk), {"record": "deleted"})
