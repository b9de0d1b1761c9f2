"""A supporter's public profile: what it shows, who is hidden, open times by week in the viewer's zone.

The clock is frozen at Tuesday 1 December 2026, 16:00 UTC (08:00 Pacific, 16:00 in London). With four
hours' notice, the first bookable start is 20:00 UTC that day. Week 0 is today and the six days after
it in the viewer's zone, week 1 the seven days after that.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from supporters.models import Slot, SupporterProfile, Tag
from tests.factories import (
    LeaveFactory,
    SeekerFactory,
    SlotFactory,
    StaffFactory,
    SupporterFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Factories hash a password per user; the default hasher makes 50-supporter tests take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: int, hour: int) -> dt.datetime:
    """An instant in December 2026, UTC."""
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=UTC)


def profile_url(supporter: SupporterProfile, query: str = "") -> str:
    return reverse("supporters:profile", args=[supporter.pk]) + (f"?{query}" if query else "")


def page(client, supporter, query: str = "", *, zone: str | None = None, **headers) -> str:
    if zone:
        client.cookies["tz"] = zone
    response = client.get(profile_url(supporter, query), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def week_times(text: str) -> dict[str, list[str]]:
    region = text.split('<div id="week"', 1)[1] if '<div id="week"' in text else text
    days = {}
    for match in re.finditer(r"<h4>(.*?)</h4>(.*?)(?=<h4>|$)", region, re.S):
        times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', match.group(2))
        if times:
            days[match.group(1)] = times
    return days


# --- What the profile shows ---------------------------------------------------------------------------


def test_profile_shows_card_story_and_tags_grouped_by_kind(client):
    tags = [
        TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief"),
        TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety"),
        TagFactory(kind=Tag.Kind.IDENTITY, name="Queer", slug="queer"),
        TagFactory(kind=Tag.Kind.INTEREST, name="Hiking", slug="hiking"),
        TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish"),
        TagFactory(kind=Tag.Kind.LANGUAGE, name="English", slug="english"),
    ]
    supporter = SupporterFactory(
        display_name="Robin Lake", pronouns="she/her", intro="Grief came early for me.", tags=tags
    )
    SlotFactory(supporter=supporter, start=at(2, 18))
    text = page(client, supporter, zone="Europe/London")
    assert "<h1>Robin Lake</h1>" in text
    assert text.count("<h1") == 1
    assert "she/her" in text
    assert "Grief came early for me." in text
    assert 'class="avatar avatar--initials" aria-hidden="true">R</span>' in text
    assert "Next available: <time" in text and "Wed 2 Dec, 6:00 PM GMT</time>" in text
    groups = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", text, re.S))
    tag_names = {label: re.findall(r'<li class="tag">(.*?)</li>', html) for label, html in groups.items()}
    assert tag_names == {
        "Lived experience and topics": ["Anxiety", "Grief"],
        "Identity": ["Queer"],
        "Interests": ["Hiking"],
        "Language": ["English", "Spanish"],
    }
    assert 'href="/static/css/supporters.css"' in text
    assert "style=" not in text


def test_profile_story_is_escaped_and_keeps_its_line_breaks(client):
    supporter = SupporterFactory(story="It started in college.\n\nI <b>hid</b> it\nfor years.")
    text = page(client, supporter)
    assert "<p>It started in college.</p>\n\n<p>I &lt;b&gt;hid&lt;/b&gt; it<br>for years.</p>" in text
    assert '<div class="profile-story" hx-disable>' in text


def test_profile_photo_is_shown_when_there_is_one(client):
    supporter = SupporterFactory(photo_medium="supporters/abc-medium.jpg")
    text = page(client, supporter)
    assert '<img class="avatar" src="/media/supporters/abc-medium.jpg" alt=""' in text
    assert "avatar--initials" not in text


@pytest.mark.parametrize(
    "status",
    [SupporterProfile.Status.ONBOARDING, SupporterProfile.Status.ON_LEAVE, SupporterProfile.Status.INACTIVE],
)
def test_profile_of_unlisted_supporter_is_404(client, status):
    supporter = SupporterFactory(status=status)
    SlotFactory(supporter=supporter, start=at(2, 18))
    assert client.get(profile_url(supporter)).status_code == 404


def test_profile_during_a_leave_is_404_and_back_after_it(client, frozen_clock):
    supporter = SupporterFactory()
    LeaveFactory(supporter=supporter, start_date=dt.date(2026, 11, 20), end_date=dt.date(2026, 12, 3))
    assert client.get(profile_url(supporter)).status_code == 404
    frozen_clock.move_to(dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert client.get(profile_url(supporter)).status_code == 200


def test_profile_of_unknown_supporter_is_404(client):
    assert client.get(reverse("supporters:profile", args=[987654])).status_code == 404


# --- Open times, in the viewer's zone -----------------------------------------------------------------


@pytest.fixture
def supporter():
    supporter = SupporterFactory(display_name="Sam")
    for start in (at(2, 18), at(3, 2), at(3, 19)):
        SlotFactory(supporter=supporter, start=start)
    return supporter


def test_profile_slots_show_london_wall_clock_for_a_london_viewer(client, supporter):
    text = page(client, supporter, zone="Europe/London")
    assert week_times(text) == {
        "Wednesday 2 December": ["6:00 PM"],
        "Thursday 3 December": ["2:00 AM", "7:00 PM"],
    }
    assert "Europe/London" in text


def test_profile_slots_show_pacific_wall_clock_for_a_pacific_viewer(client, supporter):
    text = page(client, supporter, zone="America/Los_Angeles")
    assert week_times(text) == {
        "Wednesday 2 December": ["10:00 AM", "6:00 PM"],
        "Thursday 3 December": ["11:00 AM"],
    }


def test_profile_slots_use_a_signed_in_viewer_zone_over_the_cookie(client, supporter):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))
    text = page(client, supporter, zone="Europe/London")
    assert week_times(text) == {
        "Thursday 3 December": ["3:00 AM", "11:00 AM"],
        "Friday 4 December": ["4:00 AM"],
    }


def test_profile_each_slot_links_to_the_booking_step(client, supporter):
    text = page(client, supporter)
    for slot in supporter.slots.all():
        assert f'href="{reverse("bookings:request", args=[slot.pk])}"' in text
    assert text.count('href="/book/') == 3


@pytest.mark.parametrize("viewer", ["supporter", "staff"])
def test_profile_shows_times_without_booking_links_to_people_who_cannot_book(client, supporter, viewer):
    """Booking is for seekers: a supporter or staff member would follow a Book link into a 404."""
    user = SupporterFactory().user if viewer == "supporter" else StaffFactory()
    client.force_login(user)
    text = page(client, supporter)
    assert 'href="/book/' not in text
    assert "Only seekers can book sessions" in text
    assert sum(len(times) for times in week_times(text).values()) == 3  # the times are still there


def test_profile_keeps_booking_links_for_seekers_and_signed_out_visitors(client, supporter):
    assert page(client, supporter).count('href="/book/') == 3  # signed out: the link leads to log in
    client.force_login(SeekerFactory().user)
    text = page(client, supporter)
    assert text.count('href="/book/') == 3
    assert "Only seekers can book" not in text


def test_signed_out_visitor_following_a_book_link_is_asked_to_log_in(client, supporter):
    slot = supporter.slots.first()
    response = client.get(reverse("bookings:request", args=[slot.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_next_available_shows_times_without_book_buttons_to_a_supporter(client, supporter):
    url = reverse("supporters:next_available")
    assert client.get(url).content.decode().count('href="/book/') == 3
    client.force_login(SupporterFactory().user)
    text = client.get(url).content.decode()
    assert 'href="/book/' not in text and "Only seekers can book sessions" in text
    assert text.count('class="next-slot"') == 3


def test_profile_does_not_offer_held_booked_or_too_soon_slots(client):
    supporter = SupporterFactory()
    SlotFactory(supporter=supporter, start=at(2, 18), status=Slot.Status.HELD)
    SlotFactory(supporter=supporter, start=at(2, 19), status=Slot.Status.BOOKED)
    SlotFactory(supporter=supporter, start=at(1, 18))  # within the four hours' notice
    SlotFactory(supporter=supporter, start=at(1, 10))  # already past
    open_one = SlotFactory(supporter=supporter, start=at(2, 20))
    text = page(client, supporter, zone="Europe/London")
    assert week_times(text) == {"Wednesday 2 December": ["8:00 PM"]}
    assert text.count('href="/book/') == 1
    assert f'href="/book/{open_one.pk}/"' in text


# --- Week by week -----------------------------------------------------------------------------------------


@pytest.fixture
def two_weeks():
    supporter = SupporterFactory()
    SlotFactory(supporter=supporter, start=at(3, 18))  # week 0 for everyone
    SlotFactory(
        supporter=supporter, start=at(8, 7)
    )  # Mon 7 Dec 23:00 Pacific (week 0), Tue 8 Dec London (week 1)
    SlotFactory(supporter=supporter, start=at(10, 18))  # week 1
    SlotFactory(supporter=supporter, start=at(16, 18))  # after the two weeks
    return supporter


def test_profile_week_zero_then_week_one_in_the_viewer_zone(client, two_weeks):
    week0 = page(client, two_weeks, zone="Europe/London")
    assert week_times(week0) == {"Thursday 3 December": ["6:00 PM"]}
    assert "Tue 1 Dec – Mon 7 Dec</h3>" in week0
    assert "Previous week" not in week0
    next_url = profile_url(two_weeks, "week=1")
    assert (
        f'href="{next_url}" hx-get="{next_url}" hx-target="#week" hx-push-url="true">Next week</a>' in week0
    )

    week1 = page(client, two_weeks, "week=1", zone="Europe/London")
    assert week_times(week1) == {"Tuesday 8 December": ["7:00 AM"], "Thursday 10 December": ["6:00 PM"]}
    assert "Tue 8 Dec – Mon 14 Dec</h3>" in week1
    previous_url = profile_url(two_weeks, "week=0")
    assert f'href="{previous_url}" hx-get="{previous_url}" hx-target="#week"' in week1
    assert "Next week" not in week1
    assert "Wednesday 16 December" not in week1


def test_profile_week_boundaries_follow_the_viewer_zone(client, two_weeks):
    week0 = page(client, two_weeks, zone="America/Los_Angeles")
    assert week_times(week0) == {"Thursday 3 December": ["10:00 AM"], "Monday 7 December": ["11:00 PM"]}
    week1 = page(client, two_weeks, "week=1", zone="America/Los_Angeles")
    assert week_times(week1) == {"Thursday 10 December": ["10:00 AM"]}


@pytest.mark.parametrize(
    ("week", "shown"),
    [("", 0), ("0", 0), ("1", 1), ("2", 1), ("99999999999999999999", 1), ("-1", 0), ("abc", 0), ("%00", 0)],
)
def test_profile_odd_week_numbers_are_clamped(client, two_weeks, week, shown):
    text = page(client, two_weeks, f"week={week}", zone="Europe/London")
    heading = "Tue 1 Dec – Mon 7 Dec</h3>" if shown == 0 else "Tue 8 Dec – Mon 14 Dec</h3>"
    assert heading in text


def test_profile_week_htmx_request_returns_only_the_week(client, two_weeks):
    client.cookies["tz"] = "Europe/London"
    response = client.get(profile_url(two_weeks, "week=1"), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and "<h1>" not in text
    assert text.lstrip().startswith('<h3 class="week-heading">Tue 8 Dec – Mon 14 Dec</h3>')
    assert week_times(text) == {"Tuesday 8 December": ["7:00 AM"], "Thursday 10 December": ["6:00 PM"]}
    assert "HX-Request" in response["Vary"]


def test_profile_empty_week_says_so(client):
    supporter = SupporterFactory()
    SlotFactory(supporter=supporter, start=at(10, 18))
    text = page(client, supporter, zone="Europe/London")
    assert "No open times in these seven days. Try the next week." in text
    assert "Next available: <time" in text


# --- Query count stays flat ---------------------------------------------------------------------------


# The supporter (with next open time), their tags, the week's slots.
PROFILE_QUERIES = 3


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("week", ["0", "1"])
def test_profile_query_count_is_constant(client, django_assert_num_queries, count, week):
    tags = [TagFactory(kind=kind, name=f"{kind} tag", slug=f"{kind}-tag") for kind in Tag.Kind.values]
    supporters = [SupporterFactory(tags=tags) for _ in range(count)]
    for supporter in supporters:
        for day in range(2, 15):
            SlotFactory(supporter=supporter, start=at(day, 18))
    with django_assert_num_queries(PROFILE_QUERIES):
        text = page(client, supporters[count // 2], f"week={week}")
    assert week_times(text)
