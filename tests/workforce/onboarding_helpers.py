"""Building people at the onboarding stage for the onboarding and credentials tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from supporters.models import SupporterProfile
from supporters.services import rule_create
from tests.factories import UserFactory
from workforce.models import Application, Onboarding
from workforce.services.hiring import application_move
from workforce.services.onboarding import ethics_acknowledge, onboarding_mark_orientation
from workforce.stages import Stage

LA = ZoneInfo("America/Los_Angeles")
# A Wednesday morning in Pacific time: the coming weeks are whole and within the booking horizon.
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LA)
SECRET = "JBSWY3DPEHPK3PXP"


def application_at_onboarding(**user_kwargs) -> Application:
    """An already-certified applicant whose background check cleared, moved on to "onboarding" by the
    one writer of stages (which opens their profile and onboarding)."""
    user_kwargs.setdefault("first_name", "Robin")
    user = UserFactory(time_zone="America/Los_Angeles", **user_kwargs)
    application = Application.objects.create(
        user=user, already_certified=True, stage=Stage.CLEARED, stage_changed_at=timezone.now()
    )
    return application_move(application_id=application.pk, to=Stage.ONBOARDING, by=None)


def write_profile(supporter: SupporterProfile) -> None:
    SupporterProfile.objects.filter(pk=supporter.pk).update(
        intro="I listen first.", story="Long story, told gently.", photo_small="supporters/x-small.jpg"
    )


def offer_hours(supporter: SupporterProfile) -> None:
    """Mondays and Tuesdays 09:00–12:00 Pacific: six hours a week."""
    for weekday in (0, 1):
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12))


def complete_checklist(onboarding: Onboarding, *, staff) -> None:
    supporter = onboarding.supporter
    write_profile(supporter)
    offer_hours(supporter)
    TOTP.activate(supporter.user, SECRET)
    ethics_acknowledge(user=supporter.user)
    onboarding_mark_orientation(onboarding_id=onboarding.pk, by=staff)
