import datetime as dt

import pytest

from accounts.age import age_on, is_eligible_seeker_age

UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


NOW = at(2026, 6, 15, 12, 0)  # noon UTC: the same calendar day in Los Angeles and London


@pytest.mark.parametrize(
    ("date_of_birth", "eligible"),
    [
        (dt.date(2008, 6, 15), True),  # 18th birthday today: in
        (dt.date(2008, 6, 16), False),  # 18 tomorrow: out
        (dt.date(1995, 6, 16), True),  # 31 tomorrow, so 30 today: in
        (dt.date(1995, 6, 15), False),  # 31st birthday today: out
        (dt.date(1995, 6, 14), False),  # the day after turning 31: out
        (dt.date(2000, 1, 1), True),
    ],
)
def test_is_eligible_seeker_age_boundaries_are_exact(date_of_birth, eligible):
    assert is_eligible_seeker_age(date_of_birth, "America/Los_Angeles", now=NOW) is eligible


def test_is_eligible_seeker_age_uses_the_persons_own_calendar_day():
    # 05:00 UTC on 24 Nov is still 23 Nov in Los Angeles but already 24 Nov in London.
    now = at(2026, 11, 24, 5, 0)
    born = dt.date(2008, 11, 24)
    assert is_eligible_seeker_age(born, "Europe/London", now=now) is True
    assert is_eligible_seeker_age(born, "America/Los_Angeles", now=now) is False
    # At the other end: 31 today in London, still 30 for one more evening in Los Angeles.
    born_31 = dt.date(1995, 11, 24)
    assert is_eligible_seeker_age(born_31, "Europe/London", now=now) is False
    assert is_eligible_seeker_age(born_31, "America/Los_Angeles", now=now) is True


def test_age_on_leap_day_birthday_counts_from_first_of_march():
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18
    assert age_on(born, dt.date(2028, 2, 29)) == 20
