"""The stored daily fair order (supporters/fair_order.py, services/ordering.py): who comes first among
supporters with the same next open time. Each profile stores its place for the day (``fair_rank``), so
the directory's indexes hold it; beat rewrites it just after midnight UTC, and the daily roll catches up
when that run was missed.

The clock is frozen at Tuesday 1 December 2026, 16:00 UTC.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db.models import F
from django.urls import reverse

from supporters import fair_order
from supporters.models import Slot, SupporterProfile
from supporters.selectors import DirectoryFilters, supporter_page_directory
from supporters.services import fair_order_rewrite, next_open_refresh_stale, slots_roll_horizon
from tests.concurrency import postgresql_only, race
from tests.factories import RuleFactory, SlotFactory, SupporterFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
TOMORROW = dt.datetime(2026, 12, 2, 0, 0, 5, tzinfo=UTC)
DIRECTORY = reverse("supporters:directory")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def tied(n: int) -> list[SupporterProfile]:
    """``n`` supporters whose next open time is the same hour."""
    supporters = [SupporterFactory() for _ in range(n)]
    for supporter in supporters:
        SlotFactory(supporter=supporter, start=dt.datetime(2026, 12, 3, 18, tzinfo=UTC))
    return supporters


def stored_ranks() -> dict[int, int]:
    return dict(SupporterProfile.objects.values_list("pk", "fair_rank"))


def card_ids(client) -> list[int]:
    text = client.get(DIRECTORY).content.decode()
    return [int(pk) for pk in re.findall(r'class="supporter-card__name"><a href="/supporters/(\d+)/"', text)]


def test_the_order_is_the_same_in_python_and_in_sql():
    supporters = [SupporterFactory() for _ in range(5)]
    for day in range(1, 4):
        moment = dt.datetime(2026, 12, day, 12, tzinfo=UTC)
        in_sql = dict(
            SupporterProfile.objects.annotate(k=fair_order.rank_expression("id", moment)).values_list(
                "pk", F("k")
            )
        )
        assert in_sql == {s.pk: fair_order.rank_of(s.pk, moment) for s in supporters}


def test_the_order_is_one_to_one_and_changes_every_day():
    ids = range(1, 5001)
    today = [fair_order.rank_of(pk, NOW) for pk in ids]
    tomorrow = [fair_order.rank_of(pk, TOMORROW) for pk in ids]
    assert len(set(today)) == len(set(tomorrow)) == 5000
    assert sorted(ids, key=lambda pk: today[pk - 1]) != sorted(ids, key=lambda pk: tomorrow[pk - 1])


def test_a_new_profile_takes_its_place_for_today():
    supporter = SupporterFactory()
    assert supporter.fair_rank == fair_order.rank_of(supporter.pk, NOW)
    supporter.refresh_from_db()
    assert supporter.fair_rank == fair_order.rank_of(supporter.pk, NOW)
    # An id chosen before the insert: no second statement, the same place.
    chosen = SupporterFactory.build(pk=supporter.pk + 1000)
    chosen.user.save()
    chosen.user_id = chosen.user.pk
    chosen.save()
    assert SupporterProfile.objects.get(pk=chosen.pk).fair_rank == fair_order.rank_of(chosen.pk, NOW)


def test_the_rewrite_gives_everyone_the_new_days_place_and_a_second_run_writes_nothing(frozen_clock):
    supporters = [SupporterFactory() for _ in range(7)]
    frozen_clock.move_to(TOMORROW)
    assert fair_order_rewrite(batch_size=3) == 7  # three batches
    assert stored_ranks() == {s.pk: fair_order.rank_of(s.pk, TOMORROW) for s in supporters}
    assert fair_order_rewrite(batch_size=3) == 0
    assert fair_order_rewrite() == 0


def test_a_rewrite_that_stopped_part_way_is_finished_by_the_next_run(frozen_clock):
    supporters = [SupporterFactory() for _ in range(6)]
    frozen_clock.move_to(TOMORROW)
    # As if a run had committed its first batch, then lost its worker.
    first_batch = [s.pk for s in supporters[:3]]
    SupporterProfile.objects.filter(pk__in=first_batch).update(
        fair_rank=fair_order.rank_expression("id", TOMORROW)
    )
    assert fair_order_rewrite(batch_size=2) == 3
    assert stored_ranks() == {s.pk: fair_order.rank_of(s.pk, TOMORROW) for s in supporters}


def test_the_directory_follows_the_stored_order_and_keeps_yesterdays_until_the_rewrite(client, frozen_clock):
    supporters = tied(12)
    today = card_ids(client)
    assert today == sorted((s.pk for s in supporters), key=lambda pk: fair_order.rank_of(pk, NOW))
    frozen_clock.move_to(TOMORROW)
    assert card_ids(client) == today  # beat has not run yet: yesterday's order, as fair
    fair_order_rewrite()
    tomorrow = card_ids(client)
    assert tomorrow == sorted((s.pk for s in supporters), key=lambda pk: fair_order.rank_of(pk, TOMORROW))
    assert tomorrow != today


def test_a_cached_directory_page_shows_the_rewritten_order_at_once(client):
    supporters = tied(12)
    # Ranks left from another day (as before beat's run), then a page kept in the cache.
    SupporterProfile.objects.update(fair_rank=F("id"))
    assert card_ids(client) == sorted(s.pk for s in supporters)
    assert card_ids(client) == sorted(s.pk for s in supporters)  # from the cache
    fair_order_rewrite()  # the same quarter hour: only the rewrite can move the cached page
    assert card_ids(client) == sorted((s.pk for s in supporters), key=lambda pk: fair_order.rank_of(pk, NOW))


def test_the_daily_roll_rewrites_the_order_when_beats_run_was_missed(frozen_clock):
    supporters = [SupporterFactory() for _ in range(4)]
    later = dt.datetime(2026, 12, 2, 10, 5, tzinfo=UTC)
    frozen_clock.move_to(later)
    slots_roll_horizon(now=later)
    assert stored_ranks() == {s.pk: fair_order.rank_of(s.pk, later) for s in supporters}


def test_cursor_pages_follow_the_stored_order_across_ties():
    supporters = tied(30)
    filters = DirectoryFilters()
    seen, after, number = [], "", 1
    while True:
        page = supporter_page_directory(
            filters=filters, viewer_tz=UTC, page=number, after=after, per_page=7, with_topic_tags=False
        )
        seen += [s.pk for s in page.supporters]
        if not page.next_cursor:
            break
        after, number = page.next_cursor, number + 1
        assert after.count(".") == 3  # day, next open, fair rank, id
    assert seen == sorted((s.pk for s in supporters), key=lambda pk: fair_order.rank_of(pk, NOW))


def test_beat_rewrites_the_order_just_after_midnight_utc():
    entry = settings.CELERY_BEAT_SCHEDULE["rewrite-fair-order"]
    assert entry["task"] == "supporters.tasks.rewrite_fair_order"
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "UTC"


def test_slots_still_sort_by_the_same_order_in_next_available(client):
    supporters = tied(5)
    text = client.get(reverse("supporters:next_available")).content.decode()
    shown = [int(pk) for pk in re.findall(r'href="/supporters/(\d+)/', text)]
    expected = sorted((s.pk for s in supporters), key=lambda pk: fair_order.rank_of(pk, NOW))
    assert [pk for pk in dict.fromkeys(shown) if pk in expected] == expected
    assert Slot.objects.filter(status=Slot.Status.OPEN).count() == 5


def test_the_rewrite_costs_the_same_statements_for_five_or_twenty_five_supporters(
    frozen_clock, django_assert_max_num_queries
):
    for _ in range(5):
        SupporterFactory()
    frozen_clock.move_to(TOMORROW)
    with django_assert_max_num_queries(10) as five:
        assert fair_order_rewrite() == 5
    for _ in range(20):
        SupporterFactory()
    frozen_clock.move_to(TOMORROW + dt.timedelta(days=1))
    with django_assert_max_num_queries(10) as twenty_five:
        assert fair_order_rewrite() == 25
    assert len(twenty_five) == len(five)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_rewrites_the_roll_and_the_refresh_at_once_finish_and_agree(frozen_clock):
    # Each locks supporter rows in id order (the rewrite and the roll per batch, the refresh skipping
    # what is locked): no deadlock, and the ranks end up the new day's whoever commits first.
    supporters = [SupporterFactory() for _ in range(12)]
    for supporter in supporters:
        RuleFactory(supporter=supporter, weekday=2, start_time=dt.time(9), end_time=dt.time(12))
    slots_roll_horizon()  # fills the horizon
    frozen_clock.move_to(TOMORROW)
    results = race(
        [
            lambda: fair_order_rewrite(batch_size=3),
            lambda: slots_roll_horizon(batch_size=4),
            next_open_refresh_stale,
            lambda: fair_order_rewrite(batch_size=5),
        ]
    )
    assert not any(isinstance(result, Exception) for result in results), results
    assert stored_ranks() == {s.pk: fair_order.rank_of(s.pk, TOMORROW) for s in supporters}


@pytest.mark.parametrize("batch_size", [0, -5])
def test_the_rewrite_refuses_a_batch_size_below_one_and_writes_nothing(frozen_clock, batch_size):
    supporter = SupporterFactory()
    frozen_clock.move_to(TOMORROW)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        fair_order_rewrite(batch_size=batch_size)
    assert stored_ranks() == {supporter.pk: fair_order.rank_of(supporter.pk, NOW)}
