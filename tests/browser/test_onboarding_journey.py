"""From "onboarding" to listed and back out: the supporter works through the checklist in Chromium
(profile, photo, weekly hours, two-factor, code of ethics), staff mark orientation and activate them in
the admin, they appear in the directory; later their certification expires and the sweep takes them out."""

import datetime as dt
import io
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.models import Group
from django.urls import reverse
from PIL import Image

from supporters.models import SupporterProfile
from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import PASSWORD, StaffFactory
from tests.workforce.onboarding_helpers import LA, SECRET, WEDNESDAY, application_at_onboarding
from workforce.models import Credential, Onboarding
from workforce.services.credentials import credential_record, credentials_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (60, 120, 170)).save(buffer, format="JPEG")
    return buffer.getvalue()


def totp_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def run_admin_action(page, pk: int, action: str) -> None:
    page.goto("/admin/workforce/onboarding/")
    page.locator(f"input[name='_selected_action'][value='{pk}']").check()
    page.locator("select[name='action']").select_option(action)
    page.get_by_role("button", name="Go").click()


@time_machine.travel(WEDNESDAY, tick=True)
def test_onboarding_to_listed_and_unlisted_when_the_certification_expires(browser, live_server, page):
    application = application_at_onboarding(email="robin@example.com", first_name="Robin")
    onboarding = Onboarding.objects.get(application=application)
    supporter = onboarding.supporter
    credential_record(  # the team recorded the certificate from the hiring documents
        supporter=supporter,
        kind=Credential.Kind.CERTIFICATION,
        issued_on=dt.date(2025, 3, 1),
        expires_on=dt.date(2027, 3, 1),
        issuer="State certification board",
        by=None,
    )
    operations = StaffFactory(email="ops@example.com")
    operations.groups.add(Group.objects.get(name="operations"))
    TOTP.activate(operations, SECRET)
    me = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")
    staff = signed_in_page(browser, live_server, operations, tz="America/Los_Angeles")

    # The checklist: nothing done yet, each item says where it's done.
    me.goto(reverse("workforce:onboarding"))
    me.get_by_role("heading", name="Your onboarding").wait_for()
    assert me.get_by_text("0 of 6 steps done").is_visible()
    assert_accessible(me)

    # Two-factor first (the profile pages ask for it): confirm the password, type the app's code.
    me.get_by_role("link", name="Set up two-factor authentication").click()
    me.get_by_label("Password").fill(PASSWORD)
    me.get_by_role("button", name="Confirm").click()
    me.get_by_role("heading", name="Set up an authenticator app").wait_for()
    secret = me.locator("#authenticator_secret").input_value()
    me.get_by_label("Code from your app").fill(totp_code(secret))
    me.get_by_role("button", name="Turn on two-factor authentication").click()
    me.get_by_role("heading", name="Recovery codes").wait_for()

    # Profile and photo.
    me.goto(reverse("workforce:onboarding"))
    me.get_by_role("link", name=re.compile("Edit your profile")).first.click()
    me.get_by_label("Short intro").fill("I listen first, and I don't judge.")
    me.get_by_label("My story").fill("Years of anxiety at college taught me how much one calm person helps.")
    me.get_by_label("Photo").set_input_files(
        files=[{"name": "robin.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    me.get_by_role("button", name="Save your profile").click()
    me.get_by_text("Your profile is saved.").wait_for()

    # Weekly hours: Mondays and Tuesdays 9 to noon.
    me.goto(reverse("workforce:onboarding"))
    me.get_by_role("link", name="Set your weekly hours").click()
    for day, name in (("0", "Monday"), ("1", "Tuesday")):
        me.get_by_label("Day", exact=True).select_option(day)
        me.get_by_label("From", exact=True).select_option("09:00")
        me.get_by_label("Until", exact=True).select_option("12:00")
        # Wait for this window's own message: the first one's is still on the page while the
        # second is saved, and a goto() racing that redirect lands back on this page.
        with me.expect_navigation():
            me.get_by_role("button", name="Add this window").click()
        me.get_by_text(f"Added {name}").wait_for()

    # The code of ethics.
    me.goto(reverse("workforce:onboarding"))
    me.get_by_role("link", name="Read the code of ethics").click()
    me.get_by_role("heading", name="Our code of ethics").wait_for()
    assert_accessible(me)
    me.get_by_role("button", name="Acknowledge").click()
    me.get_by_text("Tick the box to acknowledge the code of ethics.").wait_for()  # nothing recorded
    me.get_by_label("I have read this code of ethics").check()
    me.get_by_role("button", name="Acknowledge").click()
    me.get_by_role("heading", name="Your onboarding").wait_for()
    assert me.get_by_text("5 of 6 steps done").is_visible()
    assert_accessible(me)

    # Staff: activating now is refused and names what is missing; orientation, then activation.
    run_admin_action(staff, onboarding.pk, "activate")
    staff.get_by_text("Still open: Orientation session attended").wait_for()
    run_admin_action(staff, onboarding.pk, "mark_orientation")
    staff.get_by_text("Orientation recorded.").wait_for()
    run_admin_action(staff, onboarding.pk, "activate")
    staff.get_by_text("Robin is active and listed.").wait_for()

    me.goto(reverse("workforce:onboarding"))
    me.get_by_text("Your onboarding is complete").wait_for()
    assert_accessible(me)

    # A visitor finds Robin in the directory.
    page.goto(reverse("supporters:directory"))
    assert page.get_by_role("link", name=re.compile("Robin")).count() >= 1
    supporter.refresh_from_db()
    assert supporter.status == SupporterProfile.Status.ACTIVE

    # The certification expires; the hourly sweep takes Robin out of the directory.
    with time_machine.travel(dt.datetime(2027, 3, 1, 0, 30, tzinfo=LA), tick=False):
        assert credentials_sweep()[0] == 1
        page.goto(reverse("supporters:directory"))
        page.get_by_role("heading", level=1).first.wait_for()
        assert page.get_by_role("link", name=re.compile("Robin")).count() == 0
        me = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")  # months later
        me.goto(reverse("workforce:credentials"))
        me.get_by_text("A credential has expired").wait_for()
        assert_accessible(me)
