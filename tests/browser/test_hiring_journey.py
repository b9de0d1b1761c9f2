"""Becoming a supporter, in Chromium against a live server: a person applies with a resume and staff move
them through every step up to training in the admin (a bulk action for two of them), while the applicant
follows each step on their progress page. Every page on the way passes axe."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import SeekerFactory
from tests.workforce.hiring_helpers import completed_booking_of, pdf_bytes, private_files_in, staff
from workforce.models import Application, BackgroundCheckConsent
from workforce.stages import Stage

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


def stage_shown(page) -> str:
    page.goto(reverse("workforce:progress"))
    assert_accessible(page)
    return page.get_by_test_id("stage").inner_text()


def bulk_next_step(page, application):
    page.goto(reverse("admin:workforce_application_changelist"))
    page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    page.locator("select[name=action]").select_option("move_to_next_step")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Moved to their next step").wait_for()
    assert_accessible(page)


def admin_step(page, application, label: str, fill=None):
    page.goto(reverse("admin:workforce_application_change", args=[application.pk]))
    page.get_by_role("link", name=f"{label}…").click()
    page.locator("#content").wait_for()
    assert_accessible(page)
    if fill:
        fill(page)
    page.get_by_role("button", name=label).click()
    page.get_by_text(f"{label}: done").wait_for()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_apply_and_go_through_every_step_up_to_training(browser, live_server, settings, tmp_path, mailoutbox):
    private_files_in(settings, tmp_path)
    seeker = SeekerFactory(user__first_name="Robin", user__time_zone="America/Chicago")
    seeker.user.date_of_birth = dt.date(1994, 3, 2)
    seeker.user.save(update_fields=["date_of_birth"])
    booking = completed_booking_of(seeker.user)
    trainer = staff("trainer", time_zone="America/Los_Angeles")
    TOTP.activate(trainer, "JBSWY3DPEHPK3PXP")
    resume = pdf_bytes("Robin's resume")
    me = signed_in_page(browser, live_server, seeker.user)
    board = signed_in_page(browser, live_server, trainer, tz="America/Los_Angeles")

    # Apply, from the Become a supporter page.
    me.goto(reverse("pages:become_a_supporter"))
    me.get_by_role("link", name="Apply to become a supporter").click()
    assert_accessible(me)
    me.get_by_label("Phone number").fill("+1 555 010 7788")
    me.get_by_label("State you live in").select_option("IL")
    me.get_by_label("I can offer at least 5 hours").check()
    me.get_by_label("When are you usually available?").fill("Weeknights after 6pm")
    me.get_by_label("Your lived experience").fill("Years of anxiety, and the friend who listened.")
    me.get_by_label("No, not yet").check()
    me.get_by_label("Your resume").set_input_files(
        {"name": "robin.pdf", "mimeType": "application/pdf", "buffer": resume}
    )
    me.get_by_role("button", name="Send my application").click()
    me.get_by_text("We have your application").wait_for()
    assert_accessible(me)
    application = Application.objects.get(user=seeker.user)
    assert me.get_by_test_id("stage").inner_text() == Stage.SUBMITTED.label

    # Link the free peer support session; staff confirm it with the bulk action.
    me.get_by_role("link", name="Link your free peer support session").click()
    assert_accessible(me)
    me.get_by_label(booking.supporter.display_name, exact=False).check()
    me.get_by_role("button", name="Link this session").click()
    me.get_by_text("We'll confirm your session soon").wait_for()
    bulk_next_step(board, application)
    assert stage_shown(me) == Stage.PEER_SESSION.label

    # The recorded video interview, as a link.
    me.get_by_role("link", name="Send your video interview").click()
    assert_accessible(me)
    me.get_by_label("Share a link").check()
    me.get_by_label("Link to your video").fill("https://videos.example/robin-interview")
    me.get_by_role("button", name="Send my video interview").click()
    me.get_by_text("We have your video interview").wait_for()
    assert stage_shown(me) == Stage.VIDEO.label

    # Staff schedule the interview (Wednesday 9am Pacific); the applicant sees it in their zone (11am).
    def interview(page):
        page.get_by_label("Interview date and time").fill("2026-12-02T09:00")
        page.get_by_label("Note for the applicant").fill("We'll send a video link the day before.")

    admin_step(board, application, "Schedule the interview", interview)
    assert stage_shown(me) == Stage.INTERVIEW.label
    me.get_by_text("11:00").first.wait_for()
    me.get_by_text("We'll send a video link the day before.").wait_for()

    # Staff make the offer; the applicant reads it, accepts it and gives consent.
    admin_step(board, application, "Make the contract offer")
    assert stage_shown(me) == Stage.OFFER.label
    me.get_by_role("link", name="Read your offer").click()
    me.get_by_text("1099").first.wait_for()
    assert_accessible(me)
    me.get_by_role("button", name="Accept the offer").click()
    me.get_by_text("You've accepted the offer").wait_for()
    assert_accessible(me)
    me.get_by_label("I have read this and I consent").check()
    me.get_by_role("button", name="Give my consent").click()
    me.get_by_text("We've started your background check").first.wait_for()
    assert stage_shown(me) == Stage.CONSENT.label
    assert BackgroundCheckConsent.objects.filter(application=application).exists()

    # The check comes back clear (bulk action again), then staff send them to training.
    bulk_next_step(board, application)
    assert stage_shown(me) == Stage.CLEARED.label
    admin_step(board, application, "Send to training")
    assert stage_shown(me) == Stage.TRAINING.label
    steps = me.locator(".hiring-step--done").count()
    assert steps == 7

    # The resume from the admin, through the permission-checked download.
    board.goto(reverse("admin:workforce_application_change", args=[application.pk]))
    assert_accessible(board)
    with board.expect_download() as download:
        board.get_by_role("link", name="Download the resume (PDF)").click()
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == resume
    assert len(mailoutbox) == 8
