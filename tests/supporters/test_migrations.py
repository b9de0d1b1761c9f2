"""supporters 0004 removes the ``on_leave`` status, forwards, on a database that still has it: rows written
with the historical models of the state before, then the migration runs for real. Nobody hidden by the
old status becomes listed: a leave row keeps them off the directory."""

import datetime as dt

import pytest
import time_machine

from tests.migrations import migrate_forward, migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("supporters", "0003_slot_status_closed")]
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # still 30 November in Los Angeles


@pytest.fixture
def old_state():
    """Migrate back to just before the status goes; yield the historical apps; go forward again."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_on_leave_supporters_become_active_and_stay_unlisted(old_state):
    apps = old_state
    User = apps.get_model("accounts", "User")
    Supporter = apps.get_model("supporters", "SupporterProfile")
    Leave = apps.get_model("supporters", "LeaveOfAbsence")

    def supporter(name, status, zone="America/Los_Angeles"):
        user = User.objects.create(email=f"{name}@example.com", password="!", time_zone=zone)
        return Supporter.objects.create(user=user, display_name=name, time_zone=zone, status=status)

    with_leave = supporter("ana", "on_leave")
    started = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)  # 2 November, midnight in Los Angeles
    Leave.objects.create(
        supporter=with_leave, start_date=dt.date(2026, 11, 2), end_date=None, starts_at=started
    )
    without_leave = supporter("bo", "on_leave", zone="Asia/Tokyo")
    active, onboarding, inactive = (
        supporter(n, s) for n, s in [("cy", "active"), ("di", "onboarding"), ("ed", "inactive")]
    )

    with time_machine.travel(NOW, tick=False):
        apps = migrate_forward()
        SupporterProfile = apps.get_model("supporters", "SupporterProfile")
        statuses = dict(SupporterProfile.objects.values_list("display_name", "status"))
        assert statuses == {
            "ana": "active",
            "bo": "active",
            "cy": "active",
            "di": "onboarding",
            "ed": "inactive",
        }
        assert [s.pk for s in SupporterProfile.objects.listed()] == [active.pk]

        from supporters.models import LeaveOfAbsence

        # The leave that hid Ana is untouched; Bo, hidden by the status alone, is on leave from today
        # in Tokyo (1 December), until ended, with the instants save() would have stored.
        assert list(
            LeaveOfAbsence.objects.filter(supporter_id=with_leave.pk).values_list("start_date", "end_date")
        ) == [(dt.date(2026, 11, 2), None)]
        (added,) = LeaveOfAbsence.objects.filter(supporter_id=without_leave.pk)
        assert (added.start_date, added.end_date) == (dt.date(2026, 12, 1), None)
        assert (added.starts_at, added.ends_at) == added.instants(added.supporter.tzinfo)
        assert added.starts_at == dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)  # midnight in Tokyo
        assert not LeaveOfAbsence.objects.filter(supporter_id__in=[onboarding.pk, inactive.pk]).exists()
