"""Deep directory pages: "Next" from page 3 on carries a cursor (keyset), the total is reused from the
cache, and a cursor that isn't ours or is from another day shows page 1, never an error."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from supporters.selectors import DirectoryFilters, supporter_page_directory
from tests.factories import SupporterFactory
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
