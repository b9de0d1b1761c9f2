"""Deep directory pages: "Next" from page 3 on carries a cursor (keyset), the total is reused from the
cache, and a cursor that isn't ours or is from another day shows page 1, never an error."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings.services import booking_request
from supporters.models import SupporterProfile
from supporters.selectors import DirectoryFilters, supporter_page_directory
from tests.factories import SeekerFactory, SupporterFactory
from tests.supporters.test_directory import DIRECTORY, DIRECTORY_QUERIES, NOW, at, body, card_ids, open_slot

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """These tests are about the selector's pager and its cached total, not the rendered-page cache
    (tests/supporters/test_directory_cache.py), which would answer before the selector runs."""
    settings.DIRECTORY_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sixty():
    """60 supporters (5 pages): 40 with an open time on one of four hours, 20 without any."""
    people = [SupporterFactory(display_name=f"Supporter {i}") for i in range(60)]
    for i, supporter in enumerate(people[:40]):
        open_slot(supporter, at(2 + i % 2, (10, 14)[i % 4 // 2]))
    return people


def next_link(text: str) -> str:
    found = re.search(r'<a class="button button--secondary" href="([^"]+)"[^>]*>Next page', text)
    return html.unescape(found.group(1)) if found else ""


def test_cursor_pages_match_offset_pages_to_the_end(client, sixty):
    by_offset = [card_ids(client.get(f"{DIRECTORY}?page={n}")) for n in range(1, 6)]
    assert sorted(pk for page in by_offset for pk in page) == sorted(s.pk for s in sixty)

    url, by_cursor = f"{DIRECTORY}?page=1", []
    while url:
        text = body(client.get(url if url.startswith("/") else DIRECTORY + url))
        by_cursor.append(card_ids_from(text))
        url = next_link(text)
        if len(by_cursor) >= 3:
            assert "after=" in url or not url  # deep pages are reached by cursor
    assert by_cursor == by_offset


def card_ids_from(text: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="supporter-card__name"><a href="/supporters/(\d+)/"', text)]


def test_first_pages_keep_short_links(client, sixty):
    assert next_link(body(client.get(DIRECTORY))) == "?page=2"


@pytest.mark.parametrize(
    "after",
    ["garbage", "1.2.3", "..", "739000.-.5", "9" * 200, "%00", "1.1.1.1", "739000.99999999999999999999.1"],
)
def test_bad_cursor_shows_page_one(client, sixty, after):
    response = client.get(f"{DIRECTORY}?page=4&after={after}")
    assert response.status_code == 200
    assert card_ids(response) == card_ids(client.get(DIRECTORY))


def test_cursor_from_another_day_shows_page_one(client, sixty, frozen_clock):
    page_3 = supporter_page_directory(filters=DirectoryFilters(), viewer_tz=LONDON, page=3)
    frozen_clock.shift(dt.timedelta(days=1))
    response = client.get(f"{DIRECTORY}?page=4&after={page_3.next_cursor}")
    assert response.status_code == 200
    assert "Page 1 of" in body(response)


def test_cursor_page_with_the_total_cached_costs_the_same_queries(client, sixty, django_assert_num_queries):
    text = body(client.get(f"{DIRECTORY}?page=3"))  # the total is now cached
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(DIRECTORY + next_link(text))
    assert "Page 4 of 5" in body(response)


def test_total_is_reused_for_a_minute(client, sixty, frozen_clock):
    assert "60 supporters" in body(client.get(DIRECTORY))
    SupporterFactory(display_name="Newcomer")
    assert "60 supporters" in body(client.get(DIRECTORY))
    frozen_clock.shift(dt.timedelta(seconds=120))
    assert "61 supporters" in body(client.get(DIRECTORY))


def test_a_booking_elsewhere_does_not_count_everyone_again(client, sixty, django_assert_num_queries):
    """The cached total is kept per filters and minute, not per directory generation: every booking
    anywhere moves the generation, and counting every match after each one was the most expensive part
    of the page at 10,000 supporters."""
    assert "60 supporters" in body(client.get(DIRECTORY))
    slot = sixty[0].slots.get()
    booking_request(
        seeker=SeekerFactory(),
        slot_id=slot.pk,
        confirms_no_personal_relationship=True,
        require_payment_method=False,
    )
    with django_assert_num_queries(DIRECTORY_QUERIES) as queries:
        response = client.get(DIRECTORY)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]  # the total is reused
    assert "60 supporters" in body(response)
    assert sixty[0].pk not in card_ids(response)[:1]  # yet the rows are current: the taken time moved


def test_a_total_a_little_old_never_hides_the_next_page(client, sixty):
    """60 counted a moment ago (5 pages of 12); 12 more join. Page 5 reads one row past itself, so it
    still links to page 6, and every newcomer can be reached before the minute is up."""
    assert "Page 5 of 5" in body(client.get(f"{DIRECTORY}?page=5"))
    newcomers = [SupporterFactory(display_name=f"Newcomer {i}") for i in range(12)]
    text = body(client.get(f"{DIRECTORY}?page=5"))
    assert "Page 5 of 6" in text and next_link(text)
    last = card_ids_from(body(client.get(DIRECTORY + next_link(text))))
    assert len(last) == 12
    shown = [pk for n in range(1, 6) for pk in card_ids(client.get(f"{DIRECTORY}?page={n}"))] + last
    assert sorted(shown) == sorted(s.pk for s in sixty + newcomers)


def test_a_total_that_went_down_is_counted_again_past_the_end(client, sixty):
    """60 counted a moment ago; 12 leave the directory. Page 5 is past the end now: the page counts again
    and shows the last page there is, with the right total, instead of an empty page."""
    assert "Page 5 of 5" in body(client.get(f"{DIRECTORY}?page=5"))
    SupporterProfile.objects.filter(pk__in=[s.pk for s in sixty[-12:]]).update(
        status=SupporterProfile.Status.INACTIVE
    )
    text = body(client.get(f"{DIRECTORY}?page=5"))
    assert "Page 4 of 4" in text and "48 supporters" in text
    assert len(card_ids_from(text)) == 12
