"""Issue 12 (Staff): every admin page we customise passes axe (no serious or critical violations) and
our CSP with no console errors, at 390 px and at 1280 px, each opened in Chromium by a staff user with
two-factor, over realistic data (a paid and refunded session, its feedback, a gift, a failed email).

Console errors (CSP violations among them) are read once each page has loaded, before axe runs: axe's
own stylesheet preload re-parses Django's forms.css in a <style> of its own and fetches its @import
relative to the page, which our CSP rightly refuses. Those come from the test tool, not from the page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from bookings.models import Booking, SessionFeedback
from notifications.models import Notification
from payments.models import Refund
from seekers.models import Intake
from sitefeedback.models import FeedbackTag, SiteFeedback
from tests.browser.test_money_moments import assert_accessible, signed_in_page
from tests.factories import BookingFactory, GiftFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("America/New_York"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def customised_admin_pages():
    """(name, url) of each admin page with our own template, view, message or action, over data that
    fills it: a paid session with a refund and feedback, a gift, a failed email."""
    booking = BookingFactory(paid=True, status=Booking.Status.COMPLETED, hours_ahead=-30)
    payment = booking.payable.payments.get()
    Refund.objects.create(
        payment=payment,
        amount_cents=1500,
        reason=Refund.Reason.STAFF,
        status=Refund.Status.SUCCEEDED,
        idempotency_key=f"test-refund-{payment.pk}",
    )
    SessionFeedback.objects.create(booking=booking, loved=False, comment="Not the right fit for me.")
    gift = GiftFactory()
    intake = Intake.objects.create(
        seeker=booking.seeker,
        preferred_name="Al",
        hopes="Someone to talk to.",
        emergency_contact_name="Sam",
        emergency_contact_phone="+1 555 123 4567",
        acknowledged_at=NOW,
        completed_at=NOW,
    )
    site_feedback = SiteFeedback.objects.create(what="The filters are easy to miss.", email="a@example.com")
    site_feedback.tags.add(FeedbackTag.objects.create(name="idea"))
    Notification.objects.create(
        key="test-failed-1",
        to="someone@example.com",
        subject="Your session is confirmed",
        body_text="Your session is confirmed.",
        status=Notification.Status.FAILED,
        attempts=5,
        last_error="Connection refused",
    )
    from matching.services import answers_save, team_request_create

    answers_save(values={"anything_else": "Someone calm, please."}, user=booking.seeker.user)
    team_request = team_request_create(seeker=booking.seeker, note="Evenings suit me.")
    from safety.models import MandatoryReport, ReportAddendum

    report = MandatoryReport.objects.create(
        booking=booking, supporter=booking.supporter, concern_type="other", disclosed="x", steps_taken="y"
    )
    ReportAddendum.objects.create(report=report, by=booking.supporter.user, text="z")
    return [
        (
            "mandatory report (read-only, logged)",
            reverse("admin:safety_mandatoryreport_change", args=[report.pk]),
        ),
        ("duty shift", reverse("admin:safety_dutyshift_add")),
        ("admin index", reverse("admin:index")),
        ("requests to our team", reverse("admin:matching_teamrequest_changelist")),
        ("request to our team", reverse("admin:matching_teamrequest_change", args=[team_request.pk])),
        ("booking change form", reverse("admin:bookings_booking_change", args=[booking.pk])),
        ("booking refund", reverse("admin:bookings_booking_refund", args=[booking.pk])),
        ("payment change form", reverse("admin:payments_payment_change", args=[payment.pk])),
        ("payment refund", reverse("admin:payments_payment_refund", args=[payment.pk])),
        ("feedback list", reverse("admin:bookings_sessionfeedback_changelist")),
        ("guarantee by supporter", reverse("admin:bookings_guarantee_by_supporter")),
        ("gift change form", reverse("admin:giftcards_gift_change", args=[gift.pk])),
        ("gift recipient", reverse("admin:giftcards_gift_recipient", args=[gift.pk])),
        ("system health", reverse("admin:health_heartbeat_changelist")),
        ("supporter profiles", reverse("admin:supporters_supporterprofile_changelist")),
        ("operating hours", reverse("admin:supporters_operatinghours_changelist")),
        ("email outbox", reverse("admin:notifications_notification_changelist")),
        ("intake (logged read)", reverse("admin:seekers_intake_change", args=[intake.pk])),
        ("access log", reverse("admin:privacy_accesslog_changelist")),
        ("site feedback", reverse("admin:sitefeedback_sitefeedback_changelist")),
        ("site feedback item", reverse("admin:sitefeedback_sitefeedback_change", args=[site_feedback.pk])),
        ("waitlist entries", reverse("admin:waitlist_waitlistentry_changelist")),
        ("account deletion", reverse("admin:accounts_user_delete_account", args=[booking.seeker.user_id])),
    ]


def check(page, name: str) -> list[str]:
    """What is wrong with the page just loaded: its console errors, then axe's serious/critical findings."""
    page.wait_for_load_state("load")
    failures = [f"{name} console: {list(page.console_errors)}"] if page.console_errors else []
    try:
        assert_accessible(page)
    except AssertionError as exc:
        failures.append(f"{name}: {exc}")
    page.console_errors.clear()  # what axe's own preload caused (see the module docstring)
    return failures


@time_machine.travel(NOW, tick=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_customised_admin_page_passes_axe_and_the_csp(browser, live_server, viewport):
    pages = customised_admin_pages()
    staff = StaffFactory(is_superuser=True, time_zone="America/New_York")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    page = signed_in_page(browser, live_server, staff, tz="America/New_York")
    page.set_viewport_size(viewport)
    failures = []
    for name, url in pages:
        page.goto(url)
        page.locator("#content").wait_for()
        failures += check(page, f"{name} ({url})")

    # The outbox's "Resend" action, and the page it comes back to with its message.
    page.goto(reverse("admin:notifications_notification_changelist"))
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("resend")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 email will be sent again.").wait_for()
    failures += check(page, "outbox after resend")
    assert not failures, "\n\n".join(failures)


def test_a_mistyped_change_address_gets_the_admins_own_answer_not_a_server_error(client):
    """The booking, payment and gift change pages name their extra link only for a real id, so a
    mistyped address (".../1/change/x/change/") redirects with Django's "doesn't exist" instead of a 500."""
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    for model in ("bookings/booking", "payments/payment", "giftcards/gift"):
        response = client.get(f"/admin/{model}/1/change/widgets.css/change/")
        assert response.status_code == 302, (model, response.status_code)
