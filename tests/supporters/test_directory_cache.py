"""The signed-out directory's results and its cards come from the cache (supporters/directory_cache.py),
and a change a seeker could see there shows at once: a profile's text, tags, photo, open times, a leave.

The clock is frozen at Tuesday 1 December 2026, 16:00 UTC; with four hours' notice the first bookable
start is 20:00 UTC that day.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.urls import reverse
from PIL import Image

from bookings.services import booking_request, booking_withdraw
from supporters import directory_cache
from supporters.models import AvailabilityRule, Slot, SupporterProfile, Tag
from supporters.services import (
    leave_start,
    next_open_refresh_stale,
    profile_update,
    rule_create,
    rule_delete,
    slots_roll_horizon,
)
from supporters.views.directory import _cards
from tests.conftest import use_site_cache
from tests.factories import SeekerFactory, SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)
DIRECTORY = reverse("supporters:directory")
#: A page served from the cache reads nothing from the database (the filter tags are cached too).
CACHED_QUERIES = 0


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def robin():
    """Wednesdays 9 to 10am Pacific: the first open time is Wednesday 2 December, 17:00 UTC."""
    supporter = SupporterFactory(display_name="Robin", intro="I listen.")
    rule_create(
        supporter=supporter,
        weekday=AvailabilityRule.Weekday.WEDNESDAY,
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    return supporter


def update(supporter: SupporterProfile, **changes) -> None:
    fields = {
        "display_name": supporter.display_name,
        "pronouns": supporter.pronouns,
        "intro": supporter.intro,
        "story": supporter.story,
        "time_zone": supporter.time_zone,
        "tags": list(supporter.tags.all()),
    }
    profile_update(supporter=supporter, **{**fields, **changes})


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), (30, 90, 160)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="face.jpg")


def results(client, query: str = "", **headers) -> str:
    response = client.get(DIRECTORY + query, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_signed_out_request_is_served_from_the_cache(client, robin, django_assert_num_queries):
    first = results(client)
    with django_assert_num_queries(CACHED_QUERIES):
        assert results(client) == first
    with django_assert_num_queries(CACHED_QUERIES):
        fragment = results(client, HX_REQUEST="true")
    assert "Robin" in fragment and "<html" not in fragment
    # Proof that it is the cache: a change that goes around the services is not seen (until it expires).
    SupporterProfile.objects.filter(pk=robin.pk).update(display_name="Changed behind our back")
    assert "Changed behind our back" not in results(client)


def test_signed_in_visitors_get_fresh_results(client, robin):
    results(client)
    SupporterFactory(display_name="Sasha")  # made around the services: no hook tells the cache
    assert "Sasha" not in results(client)
    client.force_login(SeekerFactory().user)
    assert "Sasha" in results(client)


def test_a_profile_edit_shows_at_once(client, robin, django_capture_on_commit_callbacks):
    assert "I listen." in results(client)
    with django_capture_on_commit_callbacks(execute=True):
        update(robin, display_name="Robin K.", intro="I listen, and I have been there.")
    page = results(client)
    assert "Robin K." in page and "I listen, and I have been there." in page
    assert results(client, HX_REQUEST="true").count("Robin K.") == 1


def test_new_topics_show_at_once(client, robin):
    grief = TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief")
    assert '<li class="tag">Grief</li>' not in results(client)
    update(robin, tags=[grief])
    assert '<li class="tag">Grief</li>' in results(client)
    assert '<li class="tag">Grief</li>' in results(client, "?topic=grief")


def test_a_new_photo_shows_at_once(client, robin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert 'class="avatar"' not in results(client)
    update(robin, photos={"photo_small": jpeg(), "photo_medium": jpeg(), "photo_large": jpeg()})
    robin.refresh_from_db()
    assert f'src="{robin.photo_medium.url}"' in results(client)


def test_open_times_taken_and_freed_show_at_once(client, robin):
    assert "Wed 2 Dec, 9:00 AM PST" in results(client)
    assert "Robin" in results(client, "?when=48h")
    seeker = SeekerFactory()
    slot = Slot.objects.get(supporter=robin, start=dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC))
    booking = booking_request(
        seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True, require_payment_method=False
    )
    assert "Wed 9 Dec, 9:00 AM PST" in results(client)
    # The same change seen through a "when" filter: every cached page is dropped.
    assert "No supporters found" in results(client, "?when=48h")
    booking_withdraw(booking_id=booking.pk, seeker=seeker)
    assert "Wed 2 Dec, 9:00 AM PST" in results(client)
    assert "Robin" in results(client, "?when=48h")


def test_a_supporter_without_open_times_says_so_at_once(client, robin):
    assert "Next available: <time" in results(client)
    rule_delete(supporter=robin, rule_id=robin.rules.get().pk)
    assert "No open times in the coming weeks." in results(client)


def test_going_on_leave_takes_a_supporter_off_the_cached_page(client, robin):
    other = SupporterFactory(display_name="Sasha")
    assert "Robin" in results(client) and "Sasha" in results(client)
    leave_start(supporter=robin, start_date=NOW.date(), end_date=None)
    page = results(client)
    assert "Robin" not in page and "Sasha" in page
    assert other.pk


def test_the_cached_page_moves_on_with_the_clock(client, robin, frozen_clock):
    """Tomorrow at 13:30 UTC the slot at 17:00 is within four hours' notice: no longer bookable."""
    assert "Wed 2 Dec, 9:00 AM PST" in results(client)
    frozen_clock.move_to(dt.datetime(2026, 12, 2, 13, 30, tzinfo=dt.UTC))
    next_open_refresh_stale()  # what beat runs every minute: the stored next open time moves on
    assert "Wed 9 Dec, 9:00 AM PST" in results(client)


def test_each_zone_gets_its_own_cached_page(client, robin):
    la = results(client)
    client.cookies["tz"] = "Asia%2FTokyo"
    tokyo = results(client)
    assert "Wed 2 Dec, 9:00 AM PST" in la
    assert "Thu 3 Dec, 2:00 AM JST" in tokyo


def test_cards_are_reused_until_their_supporter_changes(robin, django_assert_num_queries):
    robin.next_open, robin.topic_tags = None, []
    first = _cards([robin], zone="UTC")
    robin.display_name = "Not saved through the service"
    assert _cards([robin], zone="UTC") == first  # the cached card
    directory_cache.directory_changed(supporter_id=robin.pk)
    assert "Not saved through the service" in _cards([robin], zone="UTC")[0]


def test_the_directory_works_when_the_cache_is_unreachable(client, robin, settings, caplog):
    """Redis at a closed port: the fail-open cache answers as a miss, every page is rendered afresh."""
    use_site_cache(settings, "redis://127.0.0.1:9/0", timeout=0.2)
    assert "Robin" in results(client)
    update(robin, display_name="Robin K.")
    assert "Robin K." in results(client)


def test_the_daily_roll_drops_the_cached_pages_once(client, robin):
    """A rule added around the services is picked up by the roll, which bumps the cache once at its end."""
    sasha = SupporterFactory(display_name="Sasha")
    AvailabilityRule.objects.create(
        supporter=sasha,
        weekday=AvailabilityRule.Weekday.WEDNESDAY,
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    assert "Wed 2 Dec, 10:00 AM PST" not in results(client)
    slots_roll_horizon()
    assert "Wed 2 Dec, 10:00 AM PST" in results(client)


def test_a_visitor_with_a_message_waiting_gets_it_not_the_cached_page(client, robin):
    results(client)  # the whole page is now cached for visitors without cookies
    storage = CookieStorage(HttpRequest())
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.INFO, "Welcome back.")])
    page = results(client)
    assert "Welcome back." in page and "Robin" in page
    assert "Welcome back." not in results(client)  # shown once; the cookie is cleared


def test_a_profile_is_cached_for_signed_out_visitors_and_follows_its_supporter(
    client, robin, django_assert_num_queries
):
    url = reverse("supporters:profile", args=[robin.pk])
    first = client.get(url).content.decode()
    assert "I listen." in first
    with django_assert_num_queries(0):
        assert client.get(url).content.decode() == first
    update(robin, intro="I listen, and I have been there.")
    assert "I listen, and I have been there." in client.get(url).content.decode()
    slot = Slot.objects.get(supporter=robin, start=dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC))
    assert f"/book/{slot.pk}/" in client.get(url).content.decode()
    booking_request(
        seeker=SeekerFactory(),
        slot_id=slot.pk,
        confirms_no_personal_relationship=True,
        require_payment_method=False,
    )
    assert f"/book/{slot.pk}/" not in client.get(url).content.decode()
    leave_start(supporter=robin, start_date=NOW.date(), end_date=None)
    assert client.get(url).status_code == 404


NEXT_AVAILABLE = reverse("supporters:next_available")


def test_next_available_is_cached_for_signed_out_visitors_and_follows_bookings(
    client, robin, django_assert_num_queries
):
    first = client.get(NEXT_AVAILABLE).content.decode()
    assert "Robin" in first and "Set-Cookie" not in str(client.get(NEXT_AVAILABLE).headers)
    with django_assert_num_queries(CACHED_QUERIES):
        assert client.get(NEXT_AVAILABLE).content.decode() == first
    # Taking Robin's first open time shows at once: the booking bumps the directory generation.
    seeker = SeekerFactory()
    slot = Slot.objects.get(supporter=robin, start=dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC))
    booking_request(
        seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True, require_payment_method=False
    )
    page = client.get(NEXT_AVAILABLE).content.decode()
    assert "Wed 2 Dec, 9:00 AM PST" not in page and "Wed 9 Dec, 9:00 AM PST" in page
    # Signed in, it is rendered afresh (a seeker may have supporters hidden from them).
    SupporterProfile.objects.filter(pk=robin.pk).update(display_name="Changed behind our back")
    assert "Changed behind our back" not in client.get(NEXT_AVAILABLE).content.decode()
    client.force_login(seeker.user)
    assert "Changed behind our back" in client.get(NEXT_AVAILABLE).content.decode()


def test_next_available_links_each_time_to_its_profile_and_booking(client, robin):
    slot = Slot.objects.get(supporter=robin, start=dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC))
    page = client.get(NEXT_AVAILABLE).content.decode()
    assert f'href="{reverse("supporters:profile", args=[robin.pk])}"' in page
    assert f'href="{reverse("bookings:request", args=[slot.pk])}"' in page


def test_the_filter_form_is_rendered_once_per_filters_and_follows_the_tags(client, robin, monkeypatch):
    from supporters.views import directory

    rendered = []
    real = directory.render_to_string

    def counting(name, context=None, *args, **kwargs):
        if name.endswith("#filters"):
            rendered.append(name)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(directory, "render_to_string", counting)
    TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief")
    client.force_login(SeekerFactory().user)  # signed in: the page itself is never cached
    assert 'value="grief"' in results(client)
    assert 'value="grief" id="id_topic_0" checked' in results(client, "?topic=grief")
    results(client)
    results(client, "?topic=grief")
    assert len(rendered) == 2  # once per set of filters, whoever asks
    # A renamed tag is offered under its new name at once (the generation it is read under moves).
    Tag.objects.filter(slug="grief").update(name="Grief and loss")
    directory_cache.directory_changed()
    assert "Grief and loss" in results(client)


def test_a_booking_with_one_supporter_keeps_everyone_elses_profile_and_the_filter_tags(
    client, robin, django_assert_num_queries
):
    """A profile is kept under its own supporter's version and the common epoch, not the directory's
    generation: a booking with Sasha renders Sasha's profile again, and neither Robin's profile nor the
    filter tags (which a booking cannot change)."""
    sasha = SupporterFactory(display_name="Sasha")
    rule_create(
        supporter=sasha,
        weekday=AvailabilityRule.Weekday.WEDNESDAY,
        start_time=dt.time(11),
        end_time=dt.time(12),
    )
    robin_url = reverse("supporters:profile", args=[robin.pk])
    sasha_url = reverse("supporters:profile", args=[sasha.pk])
    robin_page, sasha_page = client.get(robin_url).content.decode(), client.get(sasha_url).content.decode()
    results(client)
    slot = Slot.objects.filter(supporter=sasha, status=Slot.Status.OPEN).order_by("start").first()
    assert f"/book/{slot.pk}/" in sasha_page
    booking_request(
        seeker=SeekerFactory(),
        slot_id=slot.pk,
        confirms_no_personal_relationship=True,
        require_payment_method=False,
    )
    with django_assert_num_queries(0):
        assert client.get(robin_url).content.decode() == robin_page
    assert f"/book/{slot.pk}/" not in client.get(sasha_url).content.decode()
    loads = []
    directory_cache.filter_tags(lambda: loads.append(1) or [])
    assert loads == []  # still the tags the directory page read before the booking


def test_the_minute_task_bumps_only_the_supporters_whose_next_open_time_moved(robin, frozen_clock):
    """Every minute some supporter's next open time passes the minimum notice (at 10,000 supporters,
    nearly every minute): the task bumps those supporters' versions, not the common epoch, which would
    render every profile and the filter tags again each minute."""
    sasha = SupporterFactory(display_name="Sasha")
    epoch, robins, sashas = (
        directory_cache.common_epoch(),
        directory_cache.versions([robin.pk])[robin.pk],
        directory_cache.versions([sasha.pk])[sasha.pk],
    )
    frozen_clock.move_to(dt.datetime(2026, 12, 2, 13, 1, tzinfo=dt.UTC))  # Robin's 17:00 is within notice
    assert next_open_refresh_stale() == 1
    assert directory_cache.common_epoch() == epoch
    assert directory_cache.versions([robin.pk])[robin.pk] != robins
    assert directory_cache.versions([sasha.pk])[sasha.pk] == sashas


def test_turning_the_cache_off_stops_serving_what_it_kept(client, robin, settings, django_assert_num_queries):
    """``DIRECTORY_CACHE_SECONDS=0`` is the switch an operator reaches for when a cached page is wrong: from
    then on nothing is read from the cache either, so pages kept before are not served for their last
    minutes."""
    url = reverse("supporters:profile", args=[robin.pk])
    assert "Robin" in results(client) and "Robin" in client.get(url).content.decode()
    SupporterProfile.objects.filter(pk=robin.pk).update(display_name="Changed behind our back")
    assert "Changed behind our back" not in results(client)  # kept, as designed, while the cache is on
    settings.DIRECTORY_CACHE_SECONDS = 0
    assert "Changed behind our back" in results(client)
    assert "Changed behind our back" in client.get(url).content.decode()
    assert "Changed behind our back" in client.get(NEXT_AVAILABLE).content.decode()


def test_after_a_booking_only_that_supporters_card_is_rendered_again(
    client, robin, django_assert_num_queries
):
    """A booking with Sasha: the page is rendered again around the kept cards, and only Sasha's card is
    rendered, so only Sasha's topic tags are read."""
    anxiety = TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety")
    robin.tags.add(anxiety)
    sasha = SupporterFactory(display_name="Sasha")
    sasha.tags.add(TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief"))
    rule_create(
        supporter=sasha,
        weekday=AvailabilityRule.Weekday.WEDNESDAY,
        start_time=dt.time(11),
        end_time=dt.time(12),
    )
    first = results(client, HX_REQUEST="true")
    assert "Anxiety" in first and "Grief" in first
    slot = Slot.objects.filter(supporter=sasha, status=Slot.Status.OPEN).order_by("start").first()
    booking_request(
        seeker=SeekerFactory(),
        slot_id=slot.pk,
        confirms_no_personal_relationship=True,
        require_payment_method=False,
    )
    with django_assert_num_queries(2) as queries:  # the page, then the topic tags of Sasha's card alone
        page = results(client, HX_REQUEST="true")
    assert "Anxiety" in page and "Grief" in page
    tag_query = queries.captured_queries[-1]["sql"]
    assert "supporters_tag" in tag_query and f"IN ({sasha.pk})" in tag_query
