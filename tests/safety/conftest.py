import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from tests.factories import StaffFactory

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)
SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def monday():
    """Monday 10 AM Pacific, frozen: a flag opened now is due at 2 PM the same day."""
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_supervisor(db):
    """A supervisor (the group, two-factor on); ``make_supervisor(email=...)``."""

    def make(**kwargs):
        user = StaffFactory(**kwargs)
        user.groups.add(Group.objects.get_or_create(name="supervisor")[0])
        TOTP.activate(user, SECRET)
        return user

    return make
