"""Onboarding: opened by the hiring path, a checklist read from the data, activation by staff, the nudge."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP

from supporters.models import SupporterProfile
from tests.factories import StaffFactory, SupporterFactory, UserFactory
from tests.workforce.onboarding_helpers import (
    SECRET,
    WEDNESDAY,
    application_at_onboarding,
    complete_checklist,
    offer_hours,
    write_profile,
)
from workforce import ethics
from workforce.models import Application, EthicsAcknowledgement, Onboarding
from workforce.selectors.onboarding import onboarding_checklist
from workforce.services.hiring import application_move
from workforce.services.onboarding import (
    OnboardingError,
    ethics_acknowledge,
    onboarding_activate,
    onboarding_mark_orientation,
    onboarding_nudge_due,
)
from workforce.stages import Stage

pytestmark = pytest.mark.django_db


def done(onboarding) -> dict[str, bool]:
    onboarding.supporter.refresh_from_db()
    return {item.key: item.done for item in onboarding_checklist(onboarding=onboarding)}


@time_machine.travel(WEDNESDAY, tick=False)
def test_entering_onboarding_opens_an_unlisted_profile_and_a_two_week_clock():
    application = application_at_onboarding()
    onboarding = Onboarding.objects.get(application=application)
    supporter = onboarding.supporter
    assert supporter.user == application.user
    assert supporter.status == SupporterProfile.Status.ONBOARDING
    assert supporter.display_name == "Robin"
    assert onboarding.due_at - onboarding.started_at == dt.timedelta(days=14)
    assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


def test_entering_onboarding_keeps_a_profile_the_person_already_has():
    existing = SupporterFactory(status=SupporterProfile.Status.ONBOARDING, display_name="Sam")
    application = Application.objects.create(
        user=existing.user, already_certified=True, stage=Stage.CLEARED, stage_changed_at=WEDNESDAY
    )
    application_move(application_id=application.pk, to=Stage.ONBOARDING, by=None)
    assert SupporterProfile.objects.filter(user=existing.user).count() == 1
    assert Onboarding.objects.get(application=application).supporter == existing


def test_other_moves_open_no_onboarding():
    user = UserFactory()
    application = Application.objects.create(user=user, stage=Stage.SUBMITTED, stage_changed_at=WEDNESDAY)
    application_move(application_id=application.pk, to=Stage.REJECTED, by=None)
    assert not Onboarding.objects.exists()
    assert not SupporterProfile.objects.filter(user=user).exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_each_checklist_item_is_read_from_the_data():
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    assert done(onboarding) == dict.fromkeys(
        ["profile", "photo", "hours", "mfa", "orientation", "ethics"], False
    )
    write_profile(onboarding.supporter)
    assert done(onboarding) | {} == {
        **dict.fromkeys(["hours", "mfa", "orientation", "ethics"], False),
        "profile": True,
        "photo": True,
    }
    offer_hours(onboarding.supporter)
    assert done(onboarding)["hours"]
    TOTP.activate(onboarding.supporter.user, SECRET)
    assert done(onboarding)["mfa"]
    ethics_acknowledge(user=onboarding.supporter.user)
    assert done(onboarding)["ethics"]
    onboarding_mark_orientation(onboarding_id=onboarding.pk, by=StaffFactory())
    onboarding.refresh_from_db()
    assert all(done(onboarding).values())


@time_machine.travel(WEDNESDAY, tick=False)
def test_four_hours_a_week_is_not_enough():
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    from supporters.services import rule_create

    rule_create(supporter=onboarding.supporter, weekday=0, start_time=dt.time(9), end_time=dt.time(13))
    item = next(i for i in onboarding_checklist(onboarding=onboarding) if i.key == "hours")
    assert not item.done
    assert "4 hours" in item.detail


def test_an_empty_story_leaves_the_profile_open():
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    SupporterProfile.objects.filter(pk=onboarding.supporter_id).update(intro="Hi", story="   ")
    assert not done(onboarding)["profile"]


def test_acknowledging_ethics_records_version_and_time_once():
    user = UserFactory()
    with time_machine.travel(WEDNESDAY, tick=False):
        first = ethics_acknowledge(user=user)
    second = ethics_acknowledge(user=user)
    assert first == second
    assert (first.version, first.acknowledged_at) == (ethics.VERSION, WEDNESDAY)
    assert EthicsAcknowledgement.objects.count() == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_activation_is_refused_with_what_is_missing_and_changes_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    write_profile(onboarding.supporter)
    with pytest.raises(OnboardingError) as exc:
        onboarding_activate(onboarding_id=onboarding.pk, by=StaffFactory())
    message = exc.value.message
    for label in ("Weekly hours", "Two-factor", "Orientation", "Code of ethics"):
        assert label in message
    assert "Profile written" not in message
    onboarding.refresh_from_db()
    onboarding.supporter.refresh_from_db()
    assert onboarding.activated_at is None
    assert onboarding.supporter.status == SupporterProfile.Status.ONBOARDING
    assert onboarding.application.stage == Stage.ONBOARDING
    assert mailoutbox == []


@time_machine.travel(WEDNESDAY, tick=False)
def test_activation_lists_the_supporter_and_closes_the_application(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    complete_checklist(onboarding, staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_activate(onboarding_id=onboarding.pk, by=staff)
        onboarding_activate(onboarding_id=onboarding.pk, by=staff)  # a double click
    onboarding.refresh_from_db()
    assert onboarding.activated_by == staff
    assert SupporterProfile.objects.listed().filter(pk=onboarding.supporter_id).exists()
    onboarding.application.refresh_from_db()
    assert onboarding.application.stage == Stage.ONBOARDED
    assert [m.subject for m in mailoutbox] == ["Welcome: your profile is listed"]


def test_the_nudge_goes_at_ten_days_once_with_what_is_left(mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(WEDNESDAY, tick=False):
        onboarding = Onboarding.objects.get(application=application_at_onboarding())
        write_profile(onboarding.supporter)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(WEDNESDAY + dt.timedelta(days=9, hours=23), tick=False):
            assert onboarding_nudge_due() == 0
        with time_machine.travel(WEDNESDAY + dt.timedelta(days=10), tick=False):
            assert onboarding_nudge_due() == 1
            assert onboarding_nudge_due() == 0
        with time_machine.travel(WEDNESDAY + dt.timedelta(days=12), tick=False):
            assert onboarding_nudge_due() == 0
    [email] = mailoutbox
    assert email.subject == "A few steps left to finish onboarding"
    assert "Code of ethics acknowledged" in email.body and "Profile written" not in email.body
    assert "988" in email.body


def test_no_nudge_once_activated(mailoutbox):
    staff = StaffFactory()
    with time_machine.travel(WEDNESDAY, tick=False):
        onboarding = Onboarding.objects.get(application=application_at_onboarding())
        complete_checklist(onboarding, staff=staff)
        onboarding_activate(onboarding_id=onboarding.pk, by=staff)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=11), tick=False):
        assert onboarding_nudge_due() == 0


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_withdrawn_application_cannot_be_activated():
    staff = StaffFactory()
    onboarding = Onboarding.objects.get(application=application_at_onboarding())
    complete_checklist(onboarding, staff=staff)
    application_move(application_id=onboarding.application_id, to=Stage.WITHDRAWN, by=None)
    with pytest.raises(OnboardingError) as exc:
        onboarding_activate(onboarding_id=onboarding.pk, by=staff)
    assert exc.value.code == "bad_state"
    assert not SupporterProfile.objects.listed().filter(pk=onboarding.supporter_id).exists()
