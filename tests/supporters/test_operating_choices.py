"""The weekly-hours form offers only the days and hours inside the operating window (in the supporter's
zone), on the site's 12-hour clock; the time-off page says what happens to booked sessions today."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from supporters.services import operating_choices
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_operating_choices_follow_the_supporters_zone():
    pacific = operating_choices(ZoneInfo("America/Los_Angeles"))  # default: Mon–Fri 9am–9pm Pacific
    assert pacific.weekdays == (0, 1, 2, 3, 4)
    assert (pacific.start_hours[0], pacific.start_hours[-1]) == (9, 20)
    assert (pacific.end_hours[0], pacific.end_hours[-1]) == (10, 21)
    eastern = operating_choices(ZoneInfo("America/New_York"))
    assert (eastern.start_hours[0], eastern.start_hours[-1], eastern.end_hours[-1]) == (12, 23, 24)


@time_machine.travel(NOW, tick=False)
def test_the_weekly_hours_form_offers_only_the_window_and_says_it(client):
    supporter = SupporterFactory(user__time_zone="America/Los_Angeles")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    page = client.get(reverse("supporters:manage_availability")).content.decode()
    assert "Sessions can take place during our operating hours: Monday to Friday" in page
    weekday_select = re.search(r'<select name="weekday".*?</select>', page, re.S).group(0)
    assert "Saturday" not in weekday_select and "Sunday" not in weekday_select
    start_select = re.search(r'<select name="start_time".*?</select>', page, re.S).group(0)
    assert '<option value="09:00"' in start_select and ">9:00 AM<" in start_select
    assert '"08:00"' not in start_select and '"21:00"' not in start_select
    # A crafted post outside the window is refused with a clear message, nothing saved.
    response = client.post(
        reverse("supporters:manage_availability"), {"weekday": 5, "start_time": "10:00", "end_time": "12:00"}
    )
    assert response.status_code == 200
    assert supporter.rules.count() == 0


def test_time_off_says_what_happens_to_booked_sessions_today(client):
    supporter = SupporterFactory()
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    page = client.get(reverse("supporters:manage_time_off")).content.decode()
    assert "sessions already booked stay booked" in page
    assert "soon" not in re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]).lower()
