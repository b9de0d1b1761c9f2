""" "Next available" starts from the directory's index (the first twenty supporters, those tied with the
last, their slots): checked here against the plain answer (every open bookable slot that matches, sorted
by start, then the supporter's stored fair rank, then the supporter), on data made to catch the cases
that approach could miss: a crowd tied at the earliest hours, supporters with several sessions before
the bound, and a supporter of the first twenty with another session at the last one's hour that a tied
supporter comes before.

The clock is frozen at Tuesday 1 December 2026, 16:00 UTC.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from supporters.models import Slot, SupporterProfile
from supporters.selectors import DirectoryFilters, _open_slots, slot_list_next_available
from tests.factories import SlotFactory, SupporterFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
PT = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def plain_answer(filters: DirectoryFilters, tz: ZoneInfo, limit: int) -> list[int]:
    """Every matching open slot, sorted as the page promises: the answer without any index trick."""
    listed = set(SupporterProfile.objects.listed().values_list("pk", flat=True))
    ranks = dict(SupporterProfile.objects.values_list("pk", "fair_rank"))
    slots = [s for s in _open_slots(filters.when, viewer_tz=tz, now=NOW) if s.supporter_id in listed]
    slots.sort(key=lambda s: (s.start, ranks[s.supporter_id], s.supporter_id))
    return [s.pk for s in slots[:limit]]


@pytest.fixture
def crowd():
    """60 supporters, most of them free at one of the same few hours, several with many sessions."""
    rng = random.Random(19)
    hours = [dt.datetime(2026, 12, 2, h, tzinfo=UTC) for h in (1, 2, 17, 18)]
    hours += [dt.datetime(2026, 12, 3, h, tzinfo=UTC) for h in (9, 17, 18)]
    supporters = [SupporterFactory() for _ in range(60)]
    for supporter in supporters:
        for start in rng.sample(hours, rng.randint(1, 5)):
            SlotFactory(supporter=supporter, start=start)
        if rng.random() < 0.2:
            SlotFactory(
                supporter=supporter, start=rng.choice(hours) + dt.timedelta(days=7), status=Slot.Status.BOOKED
            )
    return supporters


@pytest.mark.parametrize("limit", [1, 5, 20, 500])
@pytest.mark.parametrize(
    ("when", "tz"),
    [
        ("", PT),
        ("48h", PT),
        ("week", PT),
        ("mornings", PT),
        ("evenings", PT),
        ("evenings", LONDON),
        ("", LONDON),
    ],
)
def test_next_available_is_the_plain_answer(crowd, when, tz, limit):
    filters = DirectoryFilters(when=when)
    shown = [slot.pk for slot in slot_list_next_available(filters=filters, viewer_tz=tz, limit=limit)]
    assert shown == plain_answer(filters, tz, limit)
    assert shown  # the data has an answer for every filter


def test_sessions_at_the_bound_follow_the_fair_order_whoever_is_free_first(frozen_clock):
    # "early" is free at 20:00 and 21:00 UTC, "tied" only at 21:00. With a limit of one, early alone bounds
    # the answer at 20:00; with two, early's 21:00 and tied's 21:00 are weighed by the fair order, both ways.
    early, tied = SupporterFactory(), SupporterFactory()
    SlotFactory(supporter=early, start=dt.datetime(2026, 12, 1, 20, tzinfo=UTC))
    SlotFactory(supporter=early, start=dt.datetime(2026, 12, 1, 21, tzinfo=UTC))
    SlotFactory(supporter=tied, start=dt.datetime(2026, 12, 1, 21, tzinfo=UTC))
    for early_first in (True, False):
        SupporterProfile.objects.filter(pk=early.pk).update(fair_rank=1 if early_first else 3)
        SupporterProfile.objects.filter(pk=tied.pk).update(fair_rank=2)
        for limit in (1, 2, 3):
            filters = DirectoryFilters()
            shown = [s.pk for s in slot_list_next_available(filters=filters, viewer_tz=PT, limit=limit)]
            assert shown == plain_answer(filters, PT, limit)


def test_supporters_off_the_directory_are_not_offered(crowd):
    hidden = crowd[:30]
    SupporterProfile.objects.filter(pk__in=[s.pk for s in hidden[:10]]).update(
        status=SupporterProfile.Status.INACTIVE
    )
    shown = slot_list_next_available(
        filters=DirectoryFilters(), viewer_tz=PT, exclude_ids=[s.pk for s in hidden[10:]]
    )
    assert shown
    assert not {slot.supporter_id for slot in shown} & {s.pk for s in hidden}


@pytest.mark.parametrize("limit", [0, -3])
def test_no_room_asks_nothing_and_shows_nothing(crowd, limit, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert slot_list_next_available(filters=DirectoryFilters(), viewer_tz=PT, limit=limit) == []
