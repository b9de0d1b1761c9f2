"""The waitlist's pages: join from a profile, your lists, leave in one click (also from the email's link,
signed out), someone else's list is a 404, bad input changes nothing."""

import pytest
import time_machine
from django.urls import reverse

from waitlist import services
from waitlist.models import WaitlistEntry

from .helpers import (
    MONDAY,
    MONDAY_10AM,
    NOW,
    TUESDAY,
    join,
    mornings_supporter,
    request,
    seeker,
    slot_at,
    withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter():
    return mornings_supporter(display_name="Ana Reyes")


def test_the_profile_offers_the_waitlist_to_seekers_and_visitors(client, supporter):
    page = client.get(reverse("supporters:profile", args=[supporter.pk])).content.decode()
    assert "Tell me when Ana Reyes has a time" in page
    assert reverse("waitlist:join", args=[supporter.pk]) in page


def test_join_with_days_and_hours_then_see_and_change_them(client, supporter):
    who = seeker("America/New_York")
    client.force_login(who.user)
    url = reverse("waitlist:join", args=[supporter.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Eastern" in page.content.decode()

    response = client.post(
        url, {"weekdays": [str(MONDAY), str(TUESDAY)], "from_hour": "12", "until_hour": "15"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("waitlist:mine")
    entry = WaitlistEntry.objects.get(seeker=who)
    assert entry.days == [MONDAY, TUESDAY] and (entry.from_hour, entry.until_hour) == (12, 15)
    assert entry.time_zone == "America/New_York"

    mine = client.get(reverse("waitlist:mine")).content.decode()
    assert "Ana Reyes" in mine and "Mondays, Tuesdays · noon to 3 PM" in mine
    assert "You're on this list" in client.get(url).content.decode()


def test_join_with_bad_input_says_why_and_changes_nothing(client, supporter):
    client.force_login(seeker().user)
    url = reverse("waitlist:join", args=[supporter.pk])
    for data in ({}, {"weekdays": ["0"], "from_hour": "15", "until_hour": "9"}, {"weekdays": ["9"]}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_join_needs_a_seeker_and_a_listed_supporter(client, supporter):
    url = reverse("waitlist:join", args=[supporter.pk])
    assert client.get(url).status_code == 302  # signed out: to the login
    client.force_login(supporter.user)
    assert client.get(url).status_code == 404  # a supporter doesn't wait for anyone
    client.force_login(seeker().user)
    assert client.get(reverse("waitlist:join", args=[supporter.pk + 1000])).status_code == 404


def test_leave_in_one_click_and_someone_elses_list_is_a_404(client, supporter):
    who, other = seeker(), seeker()
    entry = join(who, supporter)
    client.force_login(other.user)
    assert client.post(reverse("waitlist:leave", args=[entry.pk])).status_code == 404
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "waiting"

    client.force_login(who.user)
    response = client.post(reverse("waitlist:leave", args=[entry.pk]))
    assert response.status_code == 302
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "left"
    assert "You're not on any waitlist" in client.get(reverse("waitlist:mine")).content.decode()


def test_the_emails_leave_link_works_signed_out_and_a_get_changes_nothing(client, supporter):
    entry = join(seeker(), supporter)
    url = reverse("waitlist:leave_link", args=[services.leave_token(entry)])
    page = client.get(url)
    assert page.status_code == 200 and "Leave Ana Reyes's waitlist" in page.content.decode()
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "waiting"  # a mail scanner's GET does nothing

    done = client.post(url)
    assert done.status_code == 200 and "not on Ana Reyes's waitlist any more" in done.content.decode()
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "left"

    assert client.get(reverse("waitlist:leave_link", args=["forged-token"])).status_code == 404


def test_your_waitlists_page_query_count_is_constant(client, supporter, django_assert_max_num_queries):
    who = seeker()
    client.force_login(who.user)
    for _ in range(3):
        join(who, mornings_supporter())
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("waitlist:mine"))
    for _ in range(5):
        join(who, mornings_supporter())
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("waitlist:mine"))


def test_your_waitlists_shows_the_time_held_for_you_with_a_link_to_book_it(client, supporter):
    who = seeker()
    join(who, supporter)
    booking = request(seeker(), slot_at(supporter, MONDAY_10AM))
    withdraw(booking)
    client.force_login(who.user)
    page = client.get(reverse("waitlist:mine")).content.decode()
    assert "holding Monday 7 December, 10:00 AM" in page
    assert reverse("bookings:request", args=[slot_at(supporter, MONDAY_10AM).pk]) in page
    held = client.get(reverse("bookings:request", args=[slot_at(supporter, MONDAY_10AM).pk])).content.decode()
    assert "We're holding this time for you until" in held
