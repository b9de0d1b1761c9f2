import datetime as dt
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db.models import Count, Q

from accounts.demo import DEMO_PASSWORD
from supporters.availability import within_operating_hours
from supporters.demo import PERSONAS, TAGS, demo_email, seed_supporters
from supporters.models import AvailabilityRule, LeaveOfAbsence, Slot, SupporterProfile, Tag, TimeOff
from supporters.selectors import supporter_list_below_minimum, supporter_weekly_hours
from supporters.services import operating_hours, ops_zone

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the demo writes, in a form two runs can be compared by."""
    return {
        "tags": sorted(Tag.objects.values_list("pk", "kind", "slug", "name")),
        "supporters": sorted(SupporterProfile.objects.values_list("pk", "user_id", "status", "updated_at")),
        "supporter_tags": sorted(SupporterProfile.tags.through.objects.values_list("pk", flat=True)),
        "rules": sorted(AvailabilityRule.objects.values_list("pk", "weekday", "start_time", "end_time")),
        "slots": sorted(Slot.objects.values_list("pk", "start", "status")),
        "time_off": sorted(TimeOff.objects.values_list("pk", flat=True)),
        "leaves": sorted(LeaveOfAbsence.objects.values_list("pk", flat=True)),
        "authenticators": sorted(Authenticator.objects.values_list("pk", flat=True)),
        "emails": sorted(EmailAddress.objects.values_list("pk", "verified")),
    }


def test_seed_supporters_creates_vocabulary_and_thirty_varied_supporters():
    seed_supporters()
    assert Tag.objects.count() == sum(len(names) for names in TAGS.values())
    assert Tag.objects.filter(kind=Tag.Kind.TOPIC, slug="lgbtq-life", name="LGBTQ+ life").exists()
    supporters = SupporterProfile.objects.select_related("user").annotate(
        topics=Count("tags", filter=Q(tags__kind=Tag.Kind.TOPIC))
    )
    assert supporters.count() == 30
    statuses = sorted(s.status for s in supporters)
    assert statuses.count(SupporterProfile.Status.ACTIVE) == 28
    assert statuses.count(SupporterProfile.Status.ONBOARDING) == 1
    assert statuses.count(SupporterProfile.Status.ON_LEAVE) == 1
    assert SupporterProfile.objects.listed().count() == 28
    assert len({s.time_zone for s in supporters}) >= 6
    for supporter in supporters:
        assert 2 <= supporter.topics <= 6, supporter
        assert supporter.intro and supporter.story and supporter.pronouns
        assert supporter.user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=supporter.user).verified
        assert Authenticator.objects.filter(user=supporter.user, type=Authenticator.Type.TOTP).exists()
    assert len({s.intro for s in supporters}) == 30  # each written separately


def test_seed_supporters_slots_fall_inside_operating_hours():
    seed_supporters()
    hours, ops = operating_hours(), ops_zone()
    slots = Slot.objects.all()
    assert slots.count() > 500
    assert all(within_operating_hours(slot.start, hours, ops) for slot in slots)
    # Every demo window fitted the operating hours: one rule per weekday of every persona's hours.
    expected_rules = sum(len(days) for persona in PERSONAS for days, _start, _end in persona.hours)
    assert AvailabilityRule.objects.count() == expected_rules


def test_seed_supporters_weekly_hours_mostly_five_to_fifteen_and_two_below_minimum():
    seed_supporters()
    below = supporter_list_below_minimum(weeks=4)
    assert sorted(s.user.email for s, _hours in below) == [demo_email(14), demo_email(22)]
    assert all(hours < 5 for _supporter, hours in below)
    listed = SupporterProfile.objects.listed().exclude(user__email__in=[demo_email(14), demo_email(22)])
    for supporter in listed:
        # Next week is a full week for everyone (the current one may already be half over).
        next_week = supporter_weekly_hours(supporter=supporter, weeks=2)[1]
        assert 5 <= next_week.hours <= 15, (supporter, next_week)


def test_seed_supporters_on_leave_supporter_has_a_leave_and_no_future_slots():
    seed_supporters()
    on_leave = SupporterProfile.objects.get(status=SupporterProfile.Status.ON_LEAVE)
    assert on_leave.leaves.filter(end_date__isnull=True).exists()
    assert on_leave.rules.exists()
    assert not on_leave.slots.exists()


def test_seed_supporters_second_run_changes_nothing():
    seed_supporters()
    before = snapshot()
    lines = seed_supporters()
    assert snapshot() == before
    assert "0 new this run" in lines[0]


def test_seed_demo_command_prints_a_supporter_login(settings):
    settings.DEBUG = True  # development, where demo logins belong (DEBUG off: see tests/site)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "supporter01@peersnet.example" in text
    assert SupporterProfile.objects.count() == 30


def test_seed_supporters_time_off_removes_that_days_slots():
    seed_supporters()
    supporter = SupporterProfile.objects.get(user__email=demo_email(5))
    time_off = supporter.time_off.get()
    tz = supporter.tzinfo
    assert not [s for s in supporter.slots.all() if s.start.astimezone(tz).date() == time_off.start_date], (
        "no slots on the day off"
    )
    assert time_off.start_date > dt.date.today()
