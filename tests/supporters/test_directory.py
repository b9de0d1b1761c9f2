"""The public directory and "next available": filters, ordering, paging, htmx fragments, query counts.

The clock is frozen at Tuesday 1 December 2026, 16:00 UTC (08:00 Pacific, 11:00 Eastern, 16:00 in
London). With four hours' notice, the first bookable start is 20:00 UTC that day.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from supporters.forms_directory import DirectoryFilterForm
from supporters.models import Slot, SupporterProfile, Tag
from supporters.selectors import DirectoryFilters, supporter_list_directory, tag_list_for_filters
from supporters.services import fair_order_rewrite
from tests.factories import LeaveFactory, SlotFactory, SupporterFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
DIRECTORY = reverse("supporters:directory")
NEXT_AVAILABLE = reverse("supporters:next_available")


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


def open_slot(supporter: SupporterProfile, start: dt.datetime, status: str = Slot.Status.OPEN) -> Slot:
    return SlotFactory(supporter=supporter, start=start, status=status)


def card_ids(response) -> list[int]:
    """Supporter ids of the cards shown, in page order."""
    return [
        int(pk)
        for pk in re.findall(r'class="supporter-card__name"><a href="/supporters/(\d+)/"', body(response))
    ]


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def get(client, query: str = "", *, zone: str | None = None, **headers):
    if zone:
        client.cookies["tz"] = zone
    return client.get(DIRECTORY + (f"?{query}" if query else ""), headers=headers)


# --- What is listed and what a card shows ------------------------------------------------------------


def test_directory_lists_only_listed_supporters(client):
    listed = SupporterFactory()
    SupporterFactory(status=SupporterProfile.Status.ONBOARDING)
    SupporterFactory(status=SupporterProfile.Status.INACTIVE)
    LeaveFactory(supporter=SupporterFactory())  # on leave from today, until they end it
    response = get(client)
    assert card_ids(response) == [listed.pk]
    assert "1 supporter<" in body(response)


def test_directory_card_shows_who_they_are_and_next_time_in_viewer_zone(client):
    anxiety = TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety", display_order=1)
    grief = TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief", display_order=2)
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish")
    supporter = SupporterFactory(
        display_name="Robin <b>Lake</b>",
        pronouns="they/them",
        intro="I know what panic at 3am feels like.",
        tags=[anxiety, grief, spanish],
    )
    open_slot(supporter, at(1, 23))  # 6:00 PM Eastern
    open_slot(supporter, at(2, 23))
    text = body(get(client, zone="America/New_York"))
    assert "Robin &lt;b&gt;Lake&lt;/b&gt;" in text
    assert "they/them" in text
    assert "I know what panic at 3am feels like." in text
    assert '<li class="tag">Anxiety</li><li class="tag">Grief</li>' in text
    assert '<li class="tag">Spanish</li>' not in text  # languages are not "main tags"
    assert "Next available: <time" in text
    assert "Tue 1 Dec, 6:00 PM EST</time>" in text
    assert 'class="avatar avatar--initials" aria-hidden="true">R</span>' in text


def test_directory_card_says_when_there_is_no_open_time(client):
    supporter = SupporterFactory()
    open_slot(supporter, at(2, 18), status=Slot.Status.HELD)
    open_slot(supporter, at(3, 18), status=Slot.Status.BOOKED)
    open_slot(supporter, at(1, 18))  # inside the four hours' notice: not bookable
    text = body(get(client))
    assert "No open times in the coming weeks." in text
    assert "Next available:" not in text


# --- Filters -------------------------------------------------------------------------------------------


@pytest.fixture
def tagged():
    """Four supporters with topics, identities and languages."""
    tags = {
        slug: TagFactory(kind=kind, name=slug.title(), slug=slug)
        for kind, slug in [
            (Tag.Kind.TOPIC, "anxiety"),
            (Tag.Kind.TOPIC, "grief"),
            (Tag.Kind.TOPIC, "first-gen-student"),
            (Tag.Kind.IDENTITY, "queer"),
            (Tag.Kind.IDENTITY, "black"),
            (Tag.Kind.LANGUAGE, "english"),
            (Tag.Kind.LANGUAGE, "spanish"),
            (Tag.Kind.INTEREST, "hiking"),
        ]
    }
    people = {
        "ana": ["anxiety", "queer", "english", "spanish"],
        "ben": ["grief", "black", "english"],
        "cy": ["anxiety", "grief", "black", "spanish"],
        "dee": ["first-gen-student", "english", "hiking"],
    }
    return {
        name: SupporterFactory(display_name=name.title(), tags=[tags[slug] for slug in slugs])
        for name, slugs in people.items()
    }


def names(response, tagged) -> set[str]:
    by_id = {s.pk: name for name, s in tagged.items()}
    return {by_id[pk] for pk in card_ids(response)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=anxiety", {"ana", "cy"}),
        ("topic=anxiety&topic=grief", {"ana", "ben", "cy"}),  # any of them within a kind
        ("identity=black", {"ben", "cy"}),
        ("language=spanish", {"ana", "cy"}),
        ("topic=grief&language=spanish", {"cy"}),  # all kinds at once
        ("topic=anxiety&topic=first-gen-student&language=english", {"ana", "dee"}),
        ("topic=anxiety&identity=black&language=spanish", {"cy"}),
        ("topic=grief&identity=queer", set()),
        ("topic=hiking", {"ana", "ben", "cy", "dee"}),  # interests are not a filter: ignored
        ("language=queer", {"ana", "ben", "cy", "dee"}),  # a tag of another kind: ignored
        ("topic=ANXIETY", {"ana", "cy"}),
    ],
)
def test_directory_tag_filters(client, tagged, query, expected):
    assert names(get(client, query), tagged) == expected


def test_directory_unknown_tags_are_ignored_and_not_shown_as_chosen(client, tagged):
    response = get(client, "topic=no-such-thing&language=klingon")
    assert names(response, tagged) == {"ana", "ben", "cy", "dee"}
    assert "checked" not in body(response)


def test_directory_filter_form_shows_what_was_chosen(client, tagged):
    text = body(get(client, "topic=grief&language=spanish&when=mornings&q=river"))
    assert re.search(r'<input type="checkbox" name="topic" value="grief"[^>]*checked', text)
    assert re.search(r'<input type="checkbox" name="language" value="spanish"[^>]*checked', text)
    assert not re.search(r'value="anxiety"[^>]*checked', text)
    assert '<option value="mornings" selected>' in text
    assert 'value="river"' in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=lake", {"ana"}),
        ("q=  LAKE  ", {"ana"}),
        ("q=panic", {"ben"}),  # the intro
        ("q=ana", {"ana"}),
        ("q=", {"ana", "ben", "cy", "dee"}),
        ("q=nobody+like+this", set()),
    ],
)
def test_directory_search_matches_name_and_intro(client, tagged, query, expected):
    tagged["ana"].display_name = "Ana Lake"
    tagged["ana"].save()
    tagged["ben"].intro = "Panic attacks used to run my life."
    tagged["ben"].save()
    assert names(get(client, query), tagged) == expected


def test_directory_search_uses_at_most_100_characters(client, tagged):
    tagged["ana"].intro = "x" * 100
    tagged["ana"].save()
    assert names(get(client, "q=" + "x" * 100 + "y"), tagged) == {"ana"}  # the "y" is cut off


# --- "When" filters, in the viewer's zone ------------------------------------------------------------


@pytest.fixture
def timed():
    """One supporter per interesting start time, each with that single open slot."""
    starts = {
        "tue_21_utc": at(1, 21),  # Tue 21:00 London, 13:00 Pacific
        "thu_15_utc": at(3, 15),  # within 48 hours (until Thu 16:00 UTC)
        "thu_17_utc": at(3, 17),  # just after 48 hours
        "wed_10_utc": at(2, 10),  # Wed 10:00 London (morning), 02:00 Pacific (morning)
        "wed_12_utc": at(2, 12),  # Wed 12:00 London (afternoon), 04:00 Pacific (morning)
        "wed_18_utc": at(2, 18),  # Wed 18:00 London (evening), 10:00 Pacific (morning)
        "thu_02_utc": at(3, 2),  # Thu 02:00 London (morning), Wed 18:00 Pacific (evening)
        "sat_18_utc": at(5, 18),  # Saturday evening everywhere: not a weekday
        "sun_23_utc": at(6, 23),  # Sun 23:00 London (this week), 15:00 Pacific (this week)
        "mon_00_utc": at(7, 0),  # Mon 00:00 London (next week), Sun 16:00 Pacific (this week)
    }
    people = {}
    for name, start in starts.items():
        people[name] = SupporterFactory(display_name=name)
        open_slot(people[name], start)
    return people


@pytest.mark.parametrize(
    ("when", "zone", "expected"),
    [
        (
            "48h",
            "Europe/London",
            {"tue_21_utc", "thu_15_utc", "wed_10_utc", "wed_12_utc", "wed_18_utc", "thu_02_utc"},
        ),
        (
            "week",
            "Europe/London",
            {"tue_21_utc", "thu_15_utc", "thu_17_utc", "wed_10_utc", "wed_12_utc", "wed_18_utc", "thu_02_utc"}
            | {"sat_18_utc", "sun_23_utc"},
        ),
        (
            "week",
            "America/Los_Angeles",
            {"tue_21_utc", "thu_15_utc", "thu_17_utc", "wed_10_utc", "wed_12_utc", "wed_18_utc", "thu_02_utc"}
            | {"sat_18_utc", "sun_23_utc", "mon_00_utc"},
        ),
        ("evenings", "Europe/London", {"tue_21_utc", "wed_18_utc", "thu_17_utc"}),
        ("evenings", "America/Los_Angeles", {"thu_02_utc"}),
        ("mornings", "Europe/London", {"wed_10_utc", "thu_02_utc", "mon_00_utc"}),
        (
            "mornings",
            "America/Los_Angeles",
            {"wed_10_utc", "wed_12_utc", "wed_18_utc", "thu_15_utc", "thu_17_utc", "sat_18_utc"},
        ),
    ],
)
def test_directory_when_filters_use_the_viewer_zone(client, timed, when, zone, expected):
    by_id = {s.pk: name for name, s in timed.items()}
    response = get(client, f"when={when}", zone=zone)
    assert {by_id[pk] for pk in card_ids(response)} == expected


def test_directory_when_filter_uses_a_signed_in_viewer_zone_over_the_cookie(client, timed):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))
    by_id = {s.pk: name for name, s in timed.items()}
    # Weekday evenings in Tokyo (UTC+9) are 08:00–15:00 UTC of the same weekday: Wed 10:00 and 12:00 UTC.
    # Thu 15:00 UTC is midnight in Tokyo (Friday): not an evening.
    response = get(client, "when=evenings", zone="Europe/London")
    assert {by_id[pk] for pk in card_ids(response)} == {"wed_10_utc", "wed_12_utc"}


def test_directory_when_filter_ignores_held_booked_and_too_soon_slots(client):
    supporter = SupporterFactory()
    open_slot(supporter, at(2, 10), status=Slot.Status.HELD)
    open_slot(supporter, at(3, 10), status=Slot.Status.BOOKED)
    open_slot(supporter, at(1, 18))  # 18:00 UTC is within the four hours' notice
    assert card_ids(get(client, "when=48h", zone="Europe/London")) == []


def test_directory_next_available_on_card_matches_the_when_filter(client):
    supporter = SupporterFactory()
    open_slot(supporter, at(1, 21))  # Tue 9:00 PM London: an evening
    open_slot(supporter, at(2, 10))  # Wed 10:00 AM London: a morning
    text = body(get(client, "when=mornings", zone="Europe/London"))
    assert "Wed 2 Dec, 10:00 AM GMT</time>" in text
    text = body(get(client, "", zone="Europe/London"))
    assert "Tue 1 Dec, 9:00 PM GMT</time>" in text


# --- Ordering -----------------------------------------------------------------------------------------


def test_directory_orders_by_next_available_with_nobody_free_last(client):
    later = SupporterFactory(display_name="later")
    open_slot(later, at(3, 18))
    soonest = SupporterFactory(display_name="soonest")
    open_slot(soonest, at(1, 21))
    open_slot(soonest, at(9, 18))
    middle = SupporterFactory(display_name="middle")
    open_slot(middle, at(2, 18))
    open_slot(middle, at(1, 22), status=Slot.Status.BOOKED)
    nothing = [SupporterFactory() for _ in range(3)]
    ids = card_ids(get(client))
    assert ids[:3] == [soonest.pk, middle.pk, later.pk]
    assert set(ids[3:]) == {s.pk for s in nothing}


def test_directory_tie_order_is_stable_within_a_day_and_rotates_across_days(client, frozen_clock):
    supporters = [SupporterFactory() for _ in range(12)]
    for supporter in supporters:
        open_slot(supporter, at(10, 18))  # everyone ties on their next open time
    first = card_ids(get(client))
    assert set(first) == {s.pk for s in supporters}
    frozen_clock.move_to(dt.datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert card_ids(get(client)) == first
    # Just after midnight UTC, beat rewrites the stored order for the new day.
    frozen_clock.move_to(dt.datetime(2026, 12, 2, 0, 0, tzinfo=UTC))
    fair_order_rewrite()
    frozen_clock.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    second = card_ids(get(client))
    assert set(second) == set(first)
    assert second != first
    frozen_clock.move_to(dt.datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    fair_order_rewrite()
    third = card_ids(get(client))
    assert third not in (first, second)


def test_directory_rotation_only_breaks_ties(client, frozen_clock):
    early, late = SupporterFactory(), SupporterFactory()
    open_slot(early, at(20, 18))
    open_slot(late, at(22, 18))
    for day in range(1, 8):
        frozen_clock.move_to(dt.datetime(2026, 12, day, 1, 0, tzinfo=UTC))
        assert card_ids(get(client)) == [early.pk, late.pk]


# --- Paging --------------------------------------------------------------------------------------------


@pytest.fixture
def thirty():
    return [SupporterFactory() for _ in range(30)]


@pytest.mark.parametrize(
    ("page", "shown", "number"),
    [
        ("", 12, 1),
        ("1", 12, 1),
        ("2", 12, 2),
        ("3", 6, 3),
        ("4", 6, 3),
        ("999999999999999999999999", 6, 3),
        ("0", 12, 1),
        ("-2", 12, 1),
        ("two", 12, 1),
        ("2.5", 12, 1),
        ("%202%20", 12, 2),
    ],
)
def test_directory_pages_of_twelve_clamp_odd_page_numbers(client, thirty, page, shown, number):
    response = get(client, f"page={page}")
    assert len(card_ids(response)) == shown
    assert f"Page {number} of 3</span>" in body(response)
    assert "30 supporters" in body(response)


def test_directory_pages_together_show_everyone_once(client, thirty):
    seen = [pk for page in (1, 2, 3) for pk in card_ids(get(client, f"page={page}"))]
    assert sorted(seen) == sorted(s.pk for s in thirty)


def test_directory_page_links_keep_the_filters(client, thirty):
    topic = TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief")
    for supporter in thirty[:20]:
        supporter.tags.add(topic)
    text = body(get(client, "topic=grief&page=1"))
    assert 'href="?topic=grief&amp;page=2"' in text
    assert 'hx-get="?topic=grief&amp;page=2"' in text
    assert "Previous page" not in text
    text = body(get(client, "topic=grief&page=2"))
    assert 'href="?topic=grief&amp;page=1"' in text
    assert "Next page" not in text


# --- Bad input never breaks the page -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=%00",
        "page=1e9",
        "page=99999999999999999999999999999999999999",
        "topic=%3Cscript%3Ealert(1)%3C/script%3E",
        "topic=" + "a" * 5000,
        "when=yesterday&when=48h",
        "q=%00%01%02nul",
        "q=" + "x" * 10000,
        "q=%25%5F%5C",  # LIKE wildcards and a backslash
        "%ff%fe=%ff&language[]=en",
        "topic=anxiety&topic=anxiety&topic=ANXIETY",
        "identity=..%2F..%2Fetc%2Fpasswd",
        "week=9&foo=bar&page=&q=",
    ],
)
def test_directory_garbage_parameters_never_break_the_page(client, query):
    TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety")
    SupporterFactory(display_name="Sam")
    response = client.get(f"{DIRECTORY}?{query}")
    assert response.status_code == 200
    assert "<h1>Find a supporter</h1>" in response.content.decode()
    response = client.get(f"{NEXT_AVAILABLE}?{query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_directory_search_text_with_wildcards_is_matched_literally(client):
    SupporterFactory(display_name="Anyone")
    percent = SupporterFactory(display_name="100% here")
    assert card_ids(get(client, "q=%25")) == [percent.pk]
    assert card_ids(get(client, "q=_")) == []


# --- htmx ------------------------------------------------------------------------------------------------


def test_directory_htmx_request_gets_only_the_results_fragment(client, tagged):
    response = get(client, "topic=anxiety", **{"HX-Request": "true"})
    text = body(response)
    assert "<html" not in text
    assert "<h1>" not in text
    assert "<form" not in text
    assert text.lstrip().startswith('<h2 id="results-heading">2 supporters</h2>')
    assert len(card_ids(response)) == 2
    assert "HX-Request" in response["Vary"]


def test_directory_without_htmx_is_a_whole_page_with_a_working_form(client, tagged):
    text = body(get(client, "topic=anxiety"))
    assert text.startswith("<!DOCTYPE html>")
    assert '<form class="directory-filters" method="get" action="/supporters/"' in text
    assert 'hx-get="/supporters/" hx-target="#results" hx-push-url="true" hx-trigger="change, submit"' in text
    assert '<button type="submit">Show supporters</button>' in text
    assert '<section id="results" class="directory-results" aria-live="polite"' in text
    assert 'href="/static/css/supporters.css"' in text
    assert "style=" not in text


def test_directory_history_restore_gets_the_whole_page(client):
    SupporterFactory()
    text = body(get(client, "", **{"HX-Request": "true", "HX-History-Restore-Request": "true"}))
    assert text.startswith("<!DOCTYPE html>")


def test_directory_empty_result_is_kind_and_offers_ways_on(client, tagged):
    text = body(get(client, "topic=grief&identity=queer"))
    assert "No supporters found" in text
    assert "We couldn't find a supporter who matches all of that right now." in text
    assert f'<a href="{DIRECTORY}">Clear all filters and see everyone</a>' in text
    assert f'<a href="{NEXT_AVAILABLE}">See who is available soonest</a>' in text


def test_directory_links_to_next_available_with_the_same_filters(client, tagged):
    open_slot(tagged["ana"], at(3, 18))
    text = body(get(client, "topic=anxiety&topic=grief&language=spanish&when=week&q=a"))
    assert (
        f'href="{NEXT_AVAILABLE}?topic=anxiety&amp;topic=grief&amp;language=spanish&amp;when=week&amp;q=a"'
        in text
    )


# --- Next available -------------------------------------------------------------------------------------


def test_next_available_lists_earliest_open_sessions_across_supporters(client):
    ana, ben = SupporterFactory(display_name="Ana"), SupporterFactory(display_name="Ben")
    away = SupporterFactory(display_name="Away")
    open_slot(away, at(1, 20))
    LeaveFactory(supporter=away)
    ana_late = open_slot(ana, at(2, 23))
    ben_first = open_slot(ben, at(1, 23))
    open_slot(ana, at(1, 22), status=Slot.Status.HELD)
    open_slot(ben, at(1, 17))  # too soon to book
    client.cookies["tz"] = "America/New_York"
    text = body(client.get(NEXT_AVAILABLE))
    assert "<h1>Next available sessions</h1>" in text
    assert "Away" not in text
    first = text.index("Tue 1 Dec, 6:00 PM EST")
    second = text.index("Wed 2 Dec, 6:00 PM EST")
    assert first < second
    assert f'href="{reverse("bookings:request", args=[ben_first.pk])}"' in text
    assert f'href="{reverse("bookings:request", args=[ana_late.pk])}"' in text
    assert text.count('class="next-slot"') == 2
    assert "Tue 1 Dec, 5:00 PM EST" not in text  # the held one


def test_next_available_shows_at_most_twenty_in_time_order(client):
    supporters = [SupporterFactory() for _ in range(3)]
    starts = []
    for i in range(30):
        start = at(2, 0) + dt.timedelta(hours=i)
        starts.append(start)
        open_slot(supporters[i % 3], start)
    text = body(client.get(NEXT_AVAILABLE, headers={}))
    shown = re.findall(r'<time datetime="([^"]+)">', text)
    assert len(shown) == 20
    assert [dt.datetime.fromisoformat(s) for s in shown] == starts[:20]


def test_next_available_applies_the_filters(client, tagged):
    for i, supporter in enumerate(tagged.values()):
        open_slot(supporter, at(2, 10 + i))  # Wed 10:00, 11:00, 12:00, 13:00 London
    client.cookies["tz"] = "Europe/London"
    text = body(client.get(NEXT_AVAILABLE + "?topic=anxiety&when=mornings"))
    assert ">Ana</a>" in text  # 10:00
    assert ">Cy</a>" not in text  # 12:00 is not a morning
    assert ">Ben</a>" not in text and ">Dee</a>" not in text
    assert "Anxiety, Mornings (before noon)" in text
    assert f'href="{DIRECTORY}?topic=anxiety&amp;when=mornings"' in text


def test_next_available_empty_is_kind(client):
    SupporterFactory()
    text = body(client.get(NEXT_AVAILABLE))
    assert "There are no open times in the coming weeks." in text


# --- Query counts stay flat as the directory grows ----------------------------------------------------


def populate(count: int) -> None:
    topics = [TagFactory(kind=Tag.Kind.TOPIC, name=f"Topic {i}", slug=f"topic-{i}") for i in range(4)]
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish")
    for i in range(count):
        supporter = SupporterFactory(
            display_name=f"Supporter {i}", tags=[topics[i % 4], topics[(i + 1) % 4], spanish]
        )
        hour = (8, 18, 10, 20, 11)[i % 5]  # mornings and evenings in London
        for day in (2, 3, 8):
            open_slot(supporter, at(day, hour))
        open_slot(supporter, at(4, hour), status=Slot.Status.BOOKED)


# Tag choices, the page (with the total count in the same query), the page's topic tags.
DIRECTORY_QUERIES = 3
# Tag choices; the first twenty supporters in the directory's order; their slots with their supporters
# (supporters/selectors.py, slot_list_next_available).
NEXT_AVAILABLE_QUERIES = 3
# Mornings and evenings seen from a zone with no stored times: tag choices, the slots with their supporters.
NEXT_AVAILABLE_FROM_SLOTS_QUERIES = 2


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    "query",
    ["", "q=supporter", "topic=topic-1&topic=topic-2&language=spanish&when=mornings&q=e", "when=evenings"],
)
def test_directory_query_count_is_constant(client, django_assert_num_queries, count, query):
    populate(count)
    client.cookies["tz"] = "Europe/London"
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = get(client, query)
    assert card_ids(response)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("query", ["", "topic=topic-1&language=spanish&when=week"])
def test_next_available_query_count_is_constant(client, django_assert_num_queries, count, query):
    populate(count)
    with django_assert_num_queries(NEXT_AVAILABLE_QUERIES):
        response = client.get(f"{NEXT_AVAILABLE}?{query}")
    assert 'class="next-slot"' in body(response)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("query", ["when=evenings", "topic=topic-1&when=mornings"])
def test_next_available_from_the_slots_query_count_is_constant(
    client, django_assert_num_queries, count, query
):
    populate(count)
    client.cookies["tz"] = "Europe/London"  # no stored mornings or evenings for this zone
    with django_assert_num_queries(NEXT_AVAILABLE_FROM_SLOTS_QUERIES):
        response = client.get(f"{NEXT_AVAILABLE}?{query}")
    assert 'class="next-slot"' in body(response)


@pytest.mark.parametrize("count", [5, 50])
def test_directory_page_past_the_end_costs_two_more_queries(client, django_assert_num_queries, count):
    populate(count)
    with django_assert_num_queries(DIRECTORY_QUERIES + 2):  # + the count, + the last page again
        response = get(client, "page=9")
    assert card_ids(response)
    assert "Page 9 of" not in body(response)


# --- The card, reused by the profile editor's live preview ----------------------------------------------


def test_card_renders_an_unsaved_supporter_without_touching_the_database(django_assert_num_queries):
    from django.template.loader import render_to_string
    from django.utils import timezone

    supporter = SupporterProfile(
        display_name="Jo <i>Preview</i>", pronouns="he/they", intro="Hello & welcome"
    )
    with django_assert_num_queries(0):
        text = render_to_string("supporters/_card.html", {"supporter": supporter, "link": True})
    assert "Jo &lt;i&gt;Preview&lt;/i&gt;" in text
    assert "he/they" in text and "Hello &amp; welcome" in text
    assert "<a href" not in text  # nothing to link to before it is saved
    assert 'avatar--initials" aria-hidden="true">J</span>' in text
    assert "Next available" not in text

    supporter.topic_tags = [Tag(name="Grief"), Tag(name="Anxiety"), Tag(name="Loss"), Tag(name="Fourth")]
    supporter.next_open = at(2, 23)
    with timezone.override("America/New_York"), django_assert_num_queries(0):
        text = render_to_string("supporters/_card.html", {"supporter": supporter})
    assert '<li class="tag">Grief</li><li class="tag">Anxiety</li><li class="tag">Loss</li>' in text
    assert "Fourth" not in text
    assert "Wed 2 Dec, 6:00 PM EST</time>" in text


def test_filters_from_the_form_match_by_tag_id_with_the_same_result():
    """The directory's form knows the chosen tags' ids (from the filter tags it offers), so the page query
    tests ids on the (supporter, tag) index instead of joining the tag table per supporter read; the
    supporters found are the same as from slugs alone, and the ids never change what the filters are."""

    anxiety = TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety")
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish")
    both = SupporterFactory(display_name="Both", tags=[anxiety, spanish])
    SupporterFactory(display_name="Anxiety only", tags=[anxiety])
    SupporterFactory(display_name="Neither")
    form = DirectoryFilterForm.from_query(
        QueryDict("topic=anxiety&language=spanish"), tags=tag_list_for_filters()
    )
    with_ids = form.to_filters()
    by_slug = DirectoryFilters(topic=("anxiety",), language=("spanish",))
    assert dict(with_ids.tag_ids) == {"topic": (anxiety.pk,), "language": (spanish.pk,)}
    assert with_ids == by_slug and hash(with_ids) == hash(by_slug)
    assert with_ids.querystring() == by_slug.querystring()
    zone = ZoneInfo("America/Chicago")
    found = supporter_list_directory(filters=with_ids, viewer_tz=zone, with_topic_tags=False)
    assert [s.pk for s in found] == [both.pk]
    assert [s.pk for s in supporter_list_directory(filters=by_slug, viewer_tz=zone)] == [both.pk]
    assert "supporters_tag" not in str(found.query).replace("supporters_supporterprofile_tags", "")
