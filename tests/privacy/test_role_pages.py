"""Each role sees exactly its pages: a table of admin and site addresses, and for every kind of person the
status each one answers. A page outside a role is the admin's permission page (403) or a 404; neither
carries any of the records' data."""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings.models import Booking
from notifications.models import Notification
from privacy.models import AccessLog
from safety.models import BackupRequest, CrisisFlag, MandatoryReport
from safety.services import plan_save
from seekers.models import Intake
from tests.factories import (
    BookingFactory,
    GiftFactory,
    StaffFactory,
    SupporterFactory,
    UserFactory,
    conversation_for,
)
from tests.workforce.hiring_helpers import application_at, private_files_in
from workforce.models import PayAdjustment, PayStatement, SupervisionSession
from workforce.stages import Stage

pytestmark = pytest.mark.django_db

SECRET_HOPES = "HOPES-only-for-supervisors"
SECRET_FLAG_WORDS = "FLAG-WORDS-only-for-supervisors"
SECRET_REPORT = "REPORT-only-for-its-filer-and-supervisors"
SECRET_NOTE = "BACKUP-note-only-for-supervisors"
SECRET_PLAN = "PLAN-only-for-the-seeker-supporter-and-supervisors"
PEOPLE = ["operations", "supervisor", "trainer", "superuser", "staff", "supporter", "seeker"]
STAFF = {"operations", "supervisor", "trainer", "superuser", "staff"}
OPS, SUP, TRN, ROOT = "operations", "supervisor", "trainer", "superuser"


@pytest.fixture
def world(db, settings, tmp_path):
    """One of each record the pages show, with text that must never appear on a refused page."""
    booking = BookingFactory(paid=True, seeker__user__email="seeker-private@example.com")
    now = timezone.now()
    intake = Intake.objects.create(
        seeker=booking.seeker,
        preferred_name="Al",
        hopes=SECRET_HOPES,
        emergency_contact_name="Sam",
        emergency_contact_phone="+1 555 123 4567",
        acknowledged_at=now,
        completed_at=now,
    )
    gift = GiftFactory(recipient_email="gift-recipient-private@example.com")
    notification = Notification.objects.create(key="demo-1", to="outbox-private@example.com", subject="Hello")
    people = {}
    for name in ("operations", "supervisor", "trainer"):
        user = StaffFactory(email=f"{name}@example.com")
        user.groups.add(Group.objects.get(name=name))
        people[name] = user
    people["superuser"] = StaffFactory(email="root@example.com", is_superuser=True)
    people["staff"] = StaffFactory(email="no-group@example.com")
    for user in people.values():
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    people["supporter"] = booking.supporter.user
    TOTP.activate(booking.supporter.user, "JBSWY3DPEHPK3PXP")
    people["seeker"] = booking.seeker.user
    log = AccessLog.objects.create(
        actor=people["superuser"],
        kind=AccessLog.Kind.READ,
        content_type_id=1,
        object_id="1",
        record="Log-row-private-label",
        page="/x/",
    )
    other = SupporterFactory()
    conversation = conversation_for(booking)
    flag = CrisisFlag.objects.create(
        source="message",
        seeker=booking.seeker,
        conversation=conversation,
        matched_words=SECRET_FLAG_WORDS,
        opened_at=now,
        last_matched_at=now,
        due_at=now,
    )
    supervision = SupervisionSession.objects.create(
        kind=SupervisionSession.Kind.ONE_TO_ONE,
        supervisor=people["superuser"],
        starts_at=now,
        minutes=60,
        notes="Supervision-note-private",
    )
    statement = PayStatement.objects.create(
        supporter=other, month=dt.date(2026, 11, 1), total_minutes=60, total_cents=2500, generated_at=now
    )
    PayAdjustment.objects.create(
        supporter=other,
        amount_cents=100,
        reason="Adjustment-reason-private",
        created_at=now,
        statement=statement,
    )
    report = MandatoryReport.objects.create(
        booking=booking,
        supporter=booking.supporter,
        concern_type="child",
        disclosed=SECRET_REPORT,
        steps_taken="x",
    )
    backup = BackupRequest.objects.create(booking=booking, supporter=booking.supporter, note=SECRET_NOTE)
    private_files_in(settings, tmp_path)
    application = application_at(Stage.SUBMITTED, user=UserFactory(email="applicant-private@example.com"))
    plan_version = plan_save(
        seeker=booking.seeker,
        author=booking.seeker.user,
        author_role="seeker",
        sections={"reasons": SECRET_PLAN},
        base_version=0,
        now=now,
    )
    return {
        "flag": flag,
        "report": report,
        "backup": backup,
        "application": application,
        "booking": booking,
        "payment": booking.payable.payments.get(),
        "intake": intake,
        "gift": gift,
        "notification": notification,
        "people": people,
        "log": log,
        "supporter": other,
        "supervision": supervision,
        "statement": statement,
        "plan_version": plan_version,
    }


# address (formatted with the world's ids) -> the people who get the page (200); the rest of the staff
# get the admin's 403, and people who aren't staff are sent to the admin's login (302).
ADMIN_PAGES = {
    "/admin/": {OPS, SUP, TRN, ROOT, "staff"},
    "/admin/bookings/booking/": {OPS, SUP, ROOT},
    "/admin/bookings/booking/{booking}/change/": {OPS, SUP, ROOT},
    "/admin/bookings/booking/{booking}/refund/": {OPS, ROOT},
    "/admin/bookings/sessionfeedback/": {SUP, ROOT},
    "/admin/bookings/sessionfeedback/by-supporter/": {SUP, ROOT},
    "/admin/waitlist/waitlistentry/": {OPS, ROOT},
    "/admin/matching/teamrequest/": {OPS, ROOT},
    "/admin/sitefeedback/sitefeedback/": {OPS, ROOT},
    "/admin/payments/payment/": {OPS, ROOT},
    "/admin/payments/payment/{payment}/change/": {OPS, ROOT},
    "/admin/payments/payment/{payment}/refund/": {OPS, ROOT},
    "/admin/payments/payable/": {OPS, ROOT},
    "/admin/payments/refund/": {OPS, ROOT},
    "/admin/payments/webhookevent/": {OPS, ROOT},
    "/admin/payments/stripecustomer/": {OPS, ROOT},
    "/admin/giftcards/gift/": {OPS, ROOT},
    "/admin/giftcards/gift/{gift}/change/": {OPS, ROOT},
    "/admin/giftcards/gift/{gift}/recipient/": {OPS, ROOT},
    "/admin/giftcards/giftprice/": {OPS, ROOT},
    "/admin/supporters/supporterprofile/": {OPS, SUP, TRN, ROOT},
    "/admin/supporters/supporterprofile/{supporter}/change/": {OPS, SUP, TRN, ROOT},
    "/admin/supporters/supporterprofile/add/": {ROOT},
    "/admin/supporters/operatinghours/": {OPS, ROOT},
    "/admin/supporters/slot/": {OPS, ROOT},
    "/admin/supporters/tag/": {OPS, TRN, ROOT},
    "/admin/seekers/seekerprofile/": {OPS, SUP, ROOT},
    "/admin/seekers/intake/": {SUP, ROOT},
    "/admin/seekers/intake/{intake}/change/": {SUP, ROOT},
    "/admin/safety/safetyplan/": {SUP, ROOT},
    "/admin/safety/safetyplanversion/": {SUP, ROOT},
    "/admin/safety/safetyplanversion/{plan_version}/change/": {SUP, ROOT},
    "/admin/privacy/accesslog/": {SUP, ROOT},
    "/admin/safety/crisisflag/": {SUP, ROOT},
    "/admin/safety/crisisflag/{flag}/change/": {SUP, ROOT},
    "/admin/privacy/accesslog/{log}/change/": {SUP, ROOT},
    "/admin/notifications/notification/": {OPS, ROOT},
    "/admin/notifications/notification/{notification}/change/": {OPS, ROOT},
    "/admin/health/heartbeat/": {OPS, ROOT},
    "/admin/workforce/onboarding/": {OPS, TRN, ROOT},
    "/admin/workforce/credential/": {OPS, TRN, ROOT},
    "/admin/workforce/credential/add/": {OPS, ROOT},
    "/admin/workforce/listingevent/": {OPS, ROOT},
    "/admin/workforce/ethicsacknowledgement/": {OPS, TRN, ROOT},
    "/admin/workforce/payrate/": {OPS, ROOT},
    "/admin/workforce/payrate/add/": {OPS, ROOT},
    "/admin/workforce/paystatement/": {OPS, ROOT},
    "/admin/workforce/paystatement/{statement}/change/": {OPS, ROOT},
    "/admin/workforce/payadjustment/": {OPS, ROOT},
    "/admin/workforce/payadjustment/add/": {OPS, ROOT},
    "/admin/workforce/paidactivity/": {OPS, TRN, ROOT},
    "/admin/workforce/paidactivity/add/": {OPS, TRN, ROOT},
    "/admin/workforce/supervisionsession/": {SUP, ROOT},
    "/admin/workforce/supervisionsession/{supervision}/change/": {SUP, ROOT},
    "/admin/safety/mandatoryreport/": {SUP, ROOT},
    "/admin/safety/mandatoryreport/{report}/change/": {SUP, ROOT},
    "/admin/safety/backuprequest/": {SUP, ROOT},
    "/admin/safety/backuprequest/{backup}/change/": {SUP, ROOT},
    "/admin/safety/dutyshift/": {OPS, SUP, ROOT},
    "/admin/safety/dutyshift/add/": {OPS, ROOT},
    "/admin/workforce/application/": {OPS, TRN, ROOT},
    "/admin/workforce/application/{application}/change/": {OPS, TRN, ROOT},
    "/admin/workforce/application/{application}/step/reject/": {OPS, TRN, ROOT},
    "/admin/workforce/backgroundcheckconsent/": {OPS, TRN, ROOT},
    "/admin/accounts/user/": {ROOT},
    "/admin/auth/group/": {ROOT},
    "/admin/mfa/authenticator/": {ROOT},
    "/admin/workforce/cohort/": {OPS, SUP, TRN, ROOT},
    "/admin/workforce/cohort/add/": {TRN, ROOT},
}

# Site pages: the two people of a booking see it; nobody else, staff included, learns it exists.
SITE_PAGES = {
    "/sessions/{booking}/": {"seeker": 200, "supporter": 200},
    "/sessions/{booking}/calendar.ics": {"seeker": 200, "supporter": 200},
    # Supervisors only (superusers hold every role); everyone else, staff included, a 404.
    "/supervisor/queue/": {"supervisor": 200, "superuser": 200},
    "/supervisor/flags/{flag}/": {"supervisor": 200, "superuser": 200},
    # The operations dashboard: operations and supervisors (superusers hold both); everyone else 404.
    "/staff/dashboard/": {OPS: 200, SUP: 200, ROOT: 200},
    # A supporter's own onboarding (none in this world: a 404 for everyone) and credentials.
    "/become-a-supporter/onboarding/": {},
    "/become-a-supporter/credentials/": {"supporter": 200},
    # Training: cohorts for the roles that work with them; practice reviews for supervisors only.
    "/staff/training/": {OPS: 200, SUP: 200, TRN: 200, ROOT: 200},
    "/staff/training/practice/": {SUP: 200, ROOT: 200},
    # Supervision: supervisors only; a supporter sees their own log. Pay: operations; a supporter sees
    # their own statements (the world's statement belongs to another supporter: 404 for everyone).
    "/supervisor/supervision/": {SUP: 200, ROOT: 200},
    "/supervisor/supervision/compliance/": {SUP: 200, ROOT: 200},
    "/supervisor/supervision/{supervision}/": {SUP: 200, ROOT: 200},
    "/supporter/supervision/": {"supporter": 200},
    "/supporter/pay/": {"supporter": 200},
    "/supporter/pay/{statement}/": {},
    "/supporter/pay/{statement}/statement.pdf": {},
    "/staff/pay/": {OPS: 200, ROOT: 200},
    "/staff/pay/2026-11/summary.csv": {OPS: 200, ROOT: 200},
    "/staff/pay/2026-11/detail.csv": {OPS: 200, ROOT: 200},
    # Mandatory reports: the supporter who filed it and supervisors (superusers hold every role).
    "/safety/reports/": {"supporter": 200},
    "/safety/reports/new/": {"supporter": 200},
    "/safety/reports/{report}/": {"supporter": 200, "supervisor": 200, "superuser": 200},
    "/safety/backup/{backup}/": {"supporter": 200},
    "/safety/backup/{backup}/review/": {"supervisor": 200, "superuser": 200},
    # An applicant's resume: hiring staff (every read logged); the applicant too (not one of these people).
    "/become-a-supporter/applications/{application}/resume/": {OPS: 200, TRN: 200, ROOT: 200},
    # The seeker's safety plan: the seeker and their current supporter write it, supervisors read it
    # (logged), only the seeker prints it; other staff get a 404 like everyone else.
    "/safety-plans/{seeker}/": {"seeker": 200, "supporter": 200, "supervisor": 200, "superuser": 200},
    "/safety-plans/{seeker}/edit/": {"seeker": 200, "supporter": 200},
    "/safety-plans/{seeker}/versions/": {
        "seeker": 200,
        "supporter": 200,
        "supervisor": 200,
        "superuser": 200,
    },
    "/safety-plans/{seeker}/versions/1/": {
        "seeker": 200,
        "supporter": 200,
        "supervisor": 200,
        "superuser": 200,
    },
    "/safety-plans/{seeker}/print/": {"seeker": 200},
    "/safety-plans/{seeker}/safety-plan.pdf": {"seeker": 200},
}

PRIVATE = [
    SECRET_HOPES,
    SECRET_FLAG_WORDS,
    "+1 555 123 4567",
    "seeker-private@example.com",
    "gift-recipient-private@example.com",
    "outbox-private@example.com",
    "Log-row-private-label",
    "Supervision-note-private",
    "Adjustment-reason-private",
    SECRET_REPORT,
    SECRET_NOTE,
    "applicant-private@example.com",
    "Private story of recovery",
    SECRET_PLAN,
]


def address(template: str, world) -> str:
    return template.format(
        booking=world["booking"].pk,
        payment=world["payment"].pk,
        intake=world["intake"].pk,
        gift=world["gift"].pk,
        notification=world["notification"].pk,
        log=world["log"].pk,
        supporter=world["supporter"].pk,
        flag=world["flag"].pk,
        supervision=world["supervision"].pk,
        statement=world["statement"].pk,
        report=world["report"].pk,
        backup=world["backup"].pk,
        application=world["application"].pk,
        seeker=world["booking"].seeker.pk,
        plan_version=world["plan_version"].pk,
    )


def assert_nothing_private(response):
    body = response.content.decode(errors="replace")
    for text in PRIVATE:
        assert text not in body, text


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_gets_exactly_their_admin_pages(client, world, person):
    client.force_login(world["people"][person])
    got, wanted = {}, {}
    for template, allowed in ADMIN_PAGES.items():
        response = client.get(address(template, world))
        got[template] = response.status_code
        if person in allowed:
            wanted[template] = 200
        else:
            wanted[template] = 403 if person in STAFF else 302
            assert_nothing_private(response)
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/")
    assert got == wanted


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_gets_exactly_their_site_pages(client, world, person):
    client.force_login(world["people"][person])
    for template, allowed in SITE_PAGES.items():
        response = client.get(address(template, world))
        assert response.status_code == allowed.get(person, 404), (template, response.status_code)
        if response.status_code != 200:
            assert_nothing_private(response)


def test_the_admin_index_lists_only_the_roles_models(client, world):
    client.force_login(world["people"]["trainer"])
    page = client.get("/admin/").content.decode()
    assert "/admin/supporters/supporterprofile/" in page
    for hidden in ["/admin/bookings/", "/admin/payments/", "/admin/seekers/", "/admin/privacy/"]:
        assert hidden not in page
    client.force_login(world["people"]["staff"])
    page = client.get("/admin/").content.decode()
    assert "/admin/supporters/" not in page and "permission" in page


@pytest.mark.parametrize("person", ["supervisor", "trainer", "staff"])
def test_changes_outside_a_role_are_refused_and_change_nothing(client, world, person):
    client.force_login(world["people"][person])
    booking, gift = world["booking"], world["gift"]
    # An admin action on bookings (cancel on behalf of the supporter) needs "change".
    client.post(
        "/admin/bookings/booking/",
        {"action": "cancel_on_behalf_of_supporter", "_selected_action": [booking.pk]},
    )
    response = client.post(
        f"/admin/giftcards/gift/{gift.pk}/recipient/",
        {"recipient_email": "attacker@example.com", "recipient_name": "X"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/payments/payment/{world['payment'].pk}/refund/", {"amount": "65", "confirm": "yes"}
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    gift.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert gift.recipient_email == "gift-recipient-private@example.com"
    assert not world["payment"].refunds.exists()


def test_a_trainer_cannot_regenerate_slots(client, world):
    client.force_login(world["people"]["trainer"])
    response = client.get("/admin/supporters/supporterprofile/")
    assert "regenerate_slots" not in response.content.decode()


@pytest.mark.parametrize("person", ["superuser", "supervisor", "operations"])
def test_nobody_changes_or_deletes_a_mandatory_report_in_the_admin(client, world, person):
    client.force_login(world["people"][person])
    report = world["report"]
    page = client.get(f"/admin/safety/mandatoryreport/{report.pk}/change/")
    assert page.status_code == (403 if person == "operations" else 200)
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"/admin/safety/mandatoryreport/{report.pk}/delete/").status_code == 403
    assert client.get("/admin/safety/mandatoryreport/add/").status_code == 403
    client.post(f"/admin/safety/mandatoryreport/{report.pk}/change/", {"concern_type": "other"})
    client.post(f"/admin/safety/mandatoryreport/{report.pk}/delete/", {"post": "yes"})
    report.refresh_from_db()
    assert report.concern_type == "child"
