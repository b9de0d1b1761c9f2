"""The transparent score behind suggestions: each reason, the ranking, the daily fair tie-break, and who
is never suggested. The clock is frozen (tests/matching/helpers.py)."""

import datetime as dt

import pytest

from matching.selectors import (
    describe_preferred_times,
    suggestions_for_answers,
)
from supporters.fair_order import rank_of
from supporters.models import Slot, SupporterConflict, SupporterProfile
from supporters.selectors import DirectoryFilters, supporter_ids_hidden_from, supporter_list_directory
from supporters.services import fair_order_rewrite
from tests.factories import LeaveFactory, SeekerFactory, SlotFactory, SupporterFactory
from tests.matching.helpers import NOW, answers, pacific

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def ids(suggestions) -> list[int]:
    return [s.supporter_id for s in suggestions]


def reasons_of(suggestions, supporter) -> list[str]:
    return next(s.reasons for s in suggestions if s.supporter_id == supporter.pk)


def test_score_shared_lived_experience_is_a_reason(tags):
    ana = SupporterFactory(tags=[tags["anxiety"], tags["grief"]])
    SupporterFactory(tags=[tags["spanish"]])
    result = suggestions_for_answers(answers(experience=[tags["anxiety"].pk, tags["grief"].pk]))
    assert ids(result) == [ana.pk]
    assert result[0].score == 6
    assert result[0].reasons == ["Shares your experience of anxiety and grief"]


def test_score_topic_identity_and_language_are_reasons(tags):
    ana = SupporterFactory(tags=[tags["anxiety"], tags["lgbtq"], tags["spanish"]])
    result = suggestions_for_answers(
        answers(
            topics=[tags["anxiety"].pk],
            identities=[tags["lgbtq"].pk],
            languages=[tags["spanish"].pk],
        )
    )
    assert result[0].supporter_id == ana.pk
    assert result[0].score == 6
    assert result[0].reasons == [
        "Supports people with anxiety",
        "Also identifies as LGBTQ+",
        "Speaks Spanish",
    ]


def test_score_open_times_at_the_preferred_days_and_hours_in_the_next_two_weeks(tags):
    eve = SupporterFactory()
    # Weekday evenings, Pacific: Wednesday, Thursday and next Monday at 6pm count.
    for day in (2, 3, 7):
        SlotFactory(supporter=eve, start=pacific(day, 18))
    SlotFactory(supporter=eve, start=pacific(4, 10))  # a morning: not what they asked for
    SlotFactory(supporter=eve, start=pacific(8, 19), status=Slot.Status.BOOKED)  # taken
    SlotFactory(supporter=eve, start=pacific(16, 18))  # more than two weeks ahead
    result = suggestions_for_answers(answers(days=[0, 1, 2, 3, 4], times=["evening"]))
    assert ids(result) == [eve.pk]
    assert result[0].reasons == ["3 open times on weekday evenings"]
    assert result[0].score == 3


def test_score_open_times_are_judged_on_the_seekers_own_wall_clock(tags):
    sup = SupporterFactory()
    SlotFactory(supporter=sup, start=pacific(2, 15))  # 3pm Pacific = 6pm in New York
    in_new_york = suggestions_for_answers(answers(times=["evening"], time_zone="America/New_York"))
    in_la = suggestions_for_answers(answers(times=["evening"], time_zone="America/Los_Angeles"))
    assert ids(in_new_york) == [sup.pk]
    assert in_new_york[0].reasons == ["1 open time in the evenings"]
    assert in_la == []


def test_score_open_time_points_are_capped_so_overlap_outweighs_a_full_diary(tags):
    busy = SupporterFactory()
    for day in (2, 3, 4, 7, 8, 9):
        SlotFactory(supporter=busy, start=pacific(day, 18))
    shares = SupporterFactory(tags=[tags["anxiety"], tags["grief"]])
    result = suggestions_for_answers(
        answers(experience=[tags["anxiety"].pk, tags["grief"].pk], times=["evening"])
    )
    assert ids(result) == [shares.pk, busy.pk]
    assert [s.score for s in result] == [6, 4]
    assert result[1].reasons == ["6 open times in the evenings"]


def test_score_ranks_by_score_and_only_suggests_what_overlaps(tags):
    both = SupporterFactory(tags=[tags["anxiety"], tags["spanish"]])
    one = SupporterFactory(tags=[tags["spanish"]])
    SupporterFactory(tags=[tags["grief"]])  # nothing in common
    result = suggestions_for_answers(answers(topics=[tags["anxiety"].pk], languages=[tags["spanish"].pk]))
    assert ids(result) == [both.pk, one.pk]


def test_score_no_answers_suggests_nobody(tags):
    SupporterFactory(tags=[tags["anxiety"]])
    assert suggestions_for_answers(answers()) == []


def test_score_at_most_six(tags):
    for _ in range(9):
        SupporterFactory(tags=[tags["spanish"]])
    assert len(suggestions_for_answers(answers(languages=[tags["spanish"].pk]))) == 6


def test_score_ties_follow_the_directorys_fair_order_and_rotate_daily(frozen, tags):
    tied = [SupporterFactory(tags=[tags["spanish"]]) for _ in range(12)]
    chosen = answers(languages=[tags["spanish"].pk])
    today = ids(suggestions_for_answers(chosen))
    # The same all day…
    frozen.move_to(NOW + dt.timedelta(hours=7))
    assert ids(suggestions_for_answers(chosen)) == today
    # …in the directory's own order (nobody has open times, so the directory is in its fair order)…
    directory = list(
        supporter_list_directory(filters=DirectoryFilters(), viewer_tz=dt.UTC).values_list("pk", flat=True)
    )
    assert today == directory[:6]
    assert today == sorted((s.pk for s in tied), key=lambda pk: (rank_of(pk, NOW), pk))[:6]
    # …and another order on other days (once beat has rewritten the day's stored order).
    orders = set()
    for days in range(1, 6):
        frozen.move_to(NOW + dt.timedelta(days=days))
        fair_order_rewrite()
        orders.add(tuple(ids(suggestions_for_answers(chosen))))
    assert len(orders | {tuple(today)}) > 1


def test_score_never_suggests_unlisted_on_leave_or_hidden_supporters(tags):
    seeker = SeekerFactory()
    listed = SupporterFactory(tags=[tags["spanish"]])
    SupporterFactory(tags=[tags["spanish"]], status=SupporterProfile.Status.ONBOARDING)
    SupporterFactory(tags=[tags["spanish"]], status=SupporterProfile.Status.INACTIVE)
    LeaveFactory(supporter=SupporterFactory(tags=[tags["spanish"]]))
    hidden = SupporterFactory(tags=[tags["spanish"]])
    SupporterConflict.objects.create(
        seeker_user=seeker.user, supporter=hidden, raised_by=SupporterConflict.RaisedBy.SEEKER
    )
    blocked = SupporterFactory(tags=[tags["spanish"]])
    SupporterConflict.objects.create(
        seeker_user=seeker.user, supporter=blocked, raised_by=SupporterConflict.RaisedBy.SUPPORTER
    )
    for sup in SupporterProfile.objects.exclude(pk=listed.pk):
        SlotFactory(supporter=sup, start=pacific(2, 18))
    result = suggestions_for_answers(
        answers(languages=[tags["spanish"].pk], times=["evening"]),
        exclude_ids=supporter_ids_hidden_from(user=seeker.user),
    )
    assert ids(result) == [listed.pk]


@pytest.mark.parametrize("count", [5, 50])
def test_score_query_count_is_constant(django_assert_num_queries, tags, count):
    for i in range(count):
        sup = SupporterFactory(tags=[tags["anxiety"] if i % 2 else tags["grief"], tags["spanish"]])
        SlotFactory(supporter=sup, start=pacific(2 + i % 3, 17 + i % 3))
    seeker = SeekerFactory()
    chosen = answers(
        topics=[tags["anxiety"].pk],
        experience=[tags["grief"].pk],
        identities=[tags["lgbtq"].pk],
        languages=[tags["spanish"].pk],
        days=[0, 1, 2, 3, 4],
        times=["evening"],
    )
    # The listed supporters' ids, the answer tags, the tag overlaps, the open-time counts.
    with django_assert_num_queries(4):
        result = suggestions_for_answers(chosen, exclude_ids=supporter_ids_hidden_from(user=seeker.user))
    assert len(result) == min(count, 6)


@pytest.mark.parametrize(
    ("days", "times", "words"),
    [
        ([0, 1, 2, 3, 4], ["evening"], "on weekday evenings"),
        ([5, 6], ["morning", "afternoon"], "on weekend mornings and afternoons"),
        ([0, 3], ["evening"], "on Mondays and Thursdays, in the evenings"),
        ([2], [], "on Wednesdays"),
        ([], ["morning"], "in the mornings"),
        (list(range(7)), ["morning", "afternoon", "evening"], "in the next two weeks"),
    ],
)
def test_describe_preferred_times(days, times, words):
    assert describe_preferred_times(days, times) == words


def test_preferred_ranges_cross_daylight_saving_on_the_seekers_wall_clock(frozen):
    """Evenings in New York across the end of daylight saving time (Sunday 1 November 2026): 5pm local is
    21:00 UTC before and 22:00 UTC after."""
    from matching.selectors import _preferred_ranges

    start = dt.datetime(2026, 10, 30, 12, tzinfo=dt.UTC)
    end = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)
    ranges = _preferred_ranges(
        answers(days=[4, 0], times=["evening"], time_zone="America/New_York"), start=start, end=end
    )
    assert ranges == [
        (dt.datetime(2026, 10, 30, 21, tzinfo=dt.UTC), dt.datetime(2026, 10, 31, 4, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 2, 22, tzinfo=dt.UTC), dt.datetime(2026, 11, 3, 5, tzinfo=dt.UTC)),
    ]
