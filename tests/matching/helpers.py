import datetime as dt

import pytest
import time_machine

from matching.models import MatchAnswers
from supporters.models import Tag
from tests.factories import TagFactory

UTC = dt.UTC
# Tuesday 1 December 2026, 16:00 UTC (08:00 Pacific). With four hours' notice the first bookable start
# is 20:00 UTC; "the next two weeks" ends on Tuesday 15 December, 16:00 UTC.
NOW = dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tags():
    return {
        "anxiety": TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety"),
        "grief": TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief"),
        "lgbtq": TagFactory(kind=Tag.Kind.IDENTITY, name="LGBTQ+", slug="lgbtq"),
        "spanish": TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish"),
    }


def answers(**values) -> MatchAnswers:
    """Unsaved answers (the score reads plain fields)."""
    values.setdefault("time_zone", "America/Los_Angeles")
    return MatchAnswers(**values)


def pacific(day: int, hour: int) -> dt.datetime:
    """An instant on a December 2026 day at a Pacific wall-clock hour."""
    from zoneinfo import ZoneInfo

    return dt.datetime(2026, 12, day, hour, tzinfo=ZoneInfo("America/Los_Angeles")).astimezone(UTC)
