import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supporters.models import AvailabilityRule, OperatingHours, Slot, SupporterProfile, Tag, TimeOff
from supporters.services import slots_regenerate
from tests.factories import RuleFactory, SlotFactory, StaffFactory, SupporterFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SUPPORTERS = "/admin/supporters/supporterprofile/"


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    return client


def change_data(supporter: SupporterProfile, *, rules=(), time_off=(), leaves=(), **changes) -> dict:
    """The admin change form as a browser would post it, with the inline rows given as dicts."""
    data = {
        "user": supporter.user_id,
        "display_name": supporter.display_name,
        "pronouns": supporter.pronouns,
        "status": supporter.status,
        "time_zone": supporter.time_zone,
        "intro": supporter.intro,
        "story": supporter.story,
        "tags": [tag.pk for tag in supporter.tags.all()] if supporter.pk else [],
        "hourly_pay_cents": supporter.hourly_pay_cents,
        **changes,
    }
    for prefix, rows in (("rules", rules), ("time_off", time_off), ("leaves", leaves)):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = sum(1 for row in rows if row.get("id"))
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


def next_weekday(weekday: int, tz, *, weeks_ahead: int = 1) -> dt.date:
    today = timezone.now().astimezone(tz).date()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


# --- Supporters ------------------------------------------------------------------------------------


def test_admin_supporter_list_shows_email_listed_and_pay_in_dollars(staff_client):
    SupporterFactory(display_name="Rosa Diaz", user__email="rosa@example.com", hourly_pay_cents=2650)
    SupporterFactory(display_name="Theo Park", status=SupporterProfile.Status.ONBOARDING)
    response = staff_client.get(SUPPORTERS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "rosa@example.com" in body
    assert "$26.50" in body
    rows = {row.display_name: row.listed for row in response.context["cl"].result_list}
    assert rows == {"Rosa Diaz": True, "Theo Park": False}


def test_admin_supporter_list_filters_by_status_tag_and_searches(staff_client):
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish")
    rosa = SupporterFactory(display_name="Rosa Diaz", intro="Grew up near the sea.", tags=[spanish])
    theo = SupporterFactory(display_name="Theo Park", status=SupporterProfile.Status.ONBOARDING)

    def names(query: str) -> set[str]:
        response = staff_client.get(SUPPORTERS + query)
        assert response.status_code == 200
        return {row.display_name for row in response.context["cl"].result_list}

    assert names("?status__exact=onboarding") == {theo.display_name}
    assert names(f"?tag={spanish.pk}") == {rosa.display_name}
    assert names("?tag_kind=language") == {rosa.display_name}
    assert names("?q=near+the+sea") == {rosa.display_name}
    assert names(f"?q={theo.user.email}") == {theo.display_name}
    assert names("?tag=not-a-number") == {rosa.display_name, theo.display_name}


def test_admin_supporter_list_query_count_does_not_grow_with_supporters(staff_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(SUPPORTERS).status_code == 200
        return len(ctx.captured_queries)

    SupporterFactory.create_batch(2)
    count_queries()  # the first page fills the cache with the supervisor queue's count (the header)
    few = count_queries()
    SupporterFactory.create_batch(8)
    assert count_queries() == few


def test_admin_supporter_change_adds_rule_and_regenerates_slots(staff_client):
    supporter = SupporterFactory()
    data = change_data(supporter, rules=[{"weekday": 1, "start_time": "17:00", "end_time": "20:00"}])
    response = staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"]
    assert supporter.rules.get().start_time == dt.time(17)
    tz = supporter.tzinfo
    slots = list(supporter.slots.all())
    assert len(slots) >= 3 * 7  # three a week over the eight-week horizon
    assert {s.start.astimezone(tz).weekday() for s in slots} == {1}
    assert {s.start.astimezone(tz).hour for s in slots} == {17, 18, 19}


def test_admin_supporter_add_and_change_pages_open(staff_client):
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter)
    assert staff_client.get(f"{SUPPORTERS}add/").status_code == 200
    response = staff_client.get(f"{SUPPORTERS}{supporter.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="rules-0-start_time"' in body
    assert 'name="hourly_pay_cents"' in body
    assert 'name="photo_large"' not in body  # photos only through the supporter's own checked upload


def test_admin_supporter_add_with_rule_makes_slots(staff_client):
    user = UserFactory(email="new.supporter@example.com")
    data = change_data(
        SupporterProfile(
            user=user, display_name="New Supporter", time_zone="America/Chicago", status="active"
        ),
        rules=[{"weekday": 4, "start_time": "12:00", "end_time": "14:00"}],
    )
    response = staff_client.post(f"{SUPPORTERS}add/", data)
    assert response.status_code == 302, response.context["errors"]
    supporter = SupporterProfile.objects.get(user=user)
    assert supporter.slots.count() >= 2 * 7
    assert {s.start.astimezone(supporter.tzinfo).hour for s in supporter.slots.all()} == {12, 13}


def test_admin_supporter_change_sets_pay_and_status(staff_client):
    supporter = SupporterFactory(hourly_pay_cents=0)
    data = change_data(supporter, hourly_pay_cents=2800, status=SupporterProfile.Status.INACTIVE)
    assert staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data).status_code == 302
    supporter.refresh_from_db()
    assert (supporter.hourly_pay_cents, supporter.status) == (2800, SupporterProfile.Status.INACTIVE)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"weekday": 1, "start_time": "19:00", "end_time": "23:00"}], "operating hours"),
        ([{"weekday": 5, "start_time": "10:00", "end_time": "12:00"}], "operating hours"),
        (
            [
                {"weekday": 1, "start_time": "09:00", "end_time": "12:00"},
                {"weekday": 1, "start_time": "11:00", "end_time": "14:00"},
            ],
            "overlaps",
        ),
        (
            [{"weekday": 1, "start_time": "12:00", "end_time": "10:00"}],
            "end time must be after the start time",
        ),
        ([{"weekday": 1, "start_time": "10:30", "end_time": "11:15"}], "at least one full hour"),
    ],
)
def test_admin_supporter_change_bad_rule_shows_error_and_saves_nothing(staff_client, rules, message):
    supporter = SupporterFactory(display_name="Rosa Diaz")
    data = change_data(supporter, rules=rules, display_name="Renamed")
    response = staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message.lower() in body.lower()
    assert "is violated" not in body  # a sentence for staff, not the constraint's name
    assert not AvailabilityRule.objects.exists()
    assert not Slot.objects.exists()
    supporter.refresh_from_db()
    assert supporter.display_name == "Rosa Diaz"


def test_admin_supporter_time_off_ending_before_it_starts_is_refused(staff_client):
    supporter = SupporterFactory()
    day = next_weekday(0, supporter.tzinfo)
    data = change_data(
        supporter,
        time_off=[{"start_date": day.isoformat(), "end_date": (day - dt.timedelta(days=1)).isoformat()}],
    )
    response = staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data)
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert not TimeOff.objects.exists()


def test_admin_supporter_rule_in_new_york_maps_into_pacific_operating_hours(staff_client):
    supporter = SupporterFactory(time_zone="America/New_York")
    data = change_data(supporter, rules=[{"weekday": 2, "start_time": "20:00", "end_time": "23:59"}])
    assert staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data).status_code == 302
    assert {s.start.astimezone(supporter.tzinfo).hour for s in supporter.slots.all()} == {20, 21, 22, 23}
    # 12:00 New York is 09:00 Pacific, the opening; 11:00 would be before it.
    data = change_data(supporter, rules=[{"weekday": 2, "start_time": "11:00", "end_time": "13:00"}])
    response = staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data)
    assert "operating hours" in response.content.decode()


def test_admin_supporter_time_off_removes_open_slots_and_keeps_booked_ones(staff_client):
    supporter = SupporterFactory()
    rule = RuleFactory(supporter=supporter, weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    slots_regenerate(supporter_id=supporter.pk)
    day = next_weekday(0, supporter.tzinfo)
    on_day = [s for s in supporter.slots.all() if s.start.astimezone(supporter.tzinfo).date() == day]
    assert len(on_day) == 3
    Slot.objects.filter(pk=on_day[0].pk).update(status=Slot.Status.BOOKED)
    data = change_data(
        supporter,
        rules=[{"id": rule.pk, "weekday": 0, "start_time": "09:00", "end_time": "12:00"}],
        time_off=[{"start_date": day.isoformat(), "end_date": day.isoformat(), "note": "Dentist"}],
    )
    assert staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data).status_code == 302
    assert TimeOff.objects.get(supporter=supporter).note == "Dentist"
    left = [s for s in supporter.slots.all() if s.start.astimezone(supporter.tzinfo).date() == day]
    assert [(s.pk, s.status) for s in left] == [(on_day[0].pk, Slot.Status.BOOKED)]


def test_admin_supporter_leave_hides_profile_and_removes_open_slots(staff_client):
    supporter = SupporterFactory()
    rule = RuleFactory(supporter=supporter, weekday=2, start_time=dt.time(9), end_time=dt.time(11))
    slots_regenerate(supporter_id=supporter.pk)
    assert supporter.slots.exists()
    today = timezone.now().astimezone(supporter.tzinfo).date()
    data = change_data(
        supporter,
        rules=[{"id": rule.pk, "weekday": 2, "start_time": "09:00", "end_time": "11:00"}],
        leaves=[{"start_date": today.isoformat(), "end_date": ""}],
    )
    assert staff_client.post(f"{SUPPORTERS}{supporter.pk}/change/", data).status_code == 302
    assert not supporter.slots.exists()
    assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


def test_admin_regenerate_slots_action_restores_missing_slots(staff_client):
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=3, start_time=dt.time(13), end_time=dt.time(15))
    slots_regenerate(supporter_id=supporter.pk)
    expected = supporter.slots.count()
    supporter.slots.all().delete()
    response = staff_client.post(
        SUPPORTERS, {"action": "regenerate_slots", "_selected_action": [supporter.pk]}, follow=True
    )
    assert response.status_code == 200
    assert supporter.slots.count() == expected > 0
    assert f"Slots regenerated for 1 supporter: {expected} added, 0 removed." in response.content.decode()


def test_admin_below_minimum_filter_lists_supporters_with_lowest_weekly_hours(staff_client):
    low = SupporterFactory(display_name="Low Hours")
    RuleFactory(supporter=low, weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    enough = SupporterFactory(display_name="Enough Hours")
    RuleFactory(supporter=enough, weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    RuleFactory(supporter=enough, weekday=1, start_time=dt.time(9), end_time=dt.time(12))
    for supporter in (low, enough):
        slots_regenerate(supporter_id=supporter.pk)
    page = staff_client.get(SUPPORTERS)
    assert "Below the 5-hour minimum" in page.content.decode()  # staff can find it in the filters
    response = staff_client.get(SUPPORTERS + "?weekly_hours=below_minimum")
    assert response.status_code == 200
    rows = [(row.display_name, row.lowest_weekly_hours) for row in response.context["cl"].result_list]
    assert rows == [("Low Hours", 3)]
    body = response.content.decode()
    assert "lowest weekly hours" in body.lower()
    assert '<td class="field-lowest_weekly_hours">3</td>' in body


def test_admin_below_minimum_filter_with_nobody_below_is_an_empty_list(staff_client):
    enough = SupporterFactory()
    RuleFactory(supporter=enough, weekday=0, start_time=dt.time(9), end_time=dt.time(17))
    slots_regenerate(supporter_id=enough.pk)
    response = staff_client.get(SUPPORTERS + "?weekly_hours=below_minimum")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_admin_supporters_need_staff_with_mfa(client):
    client.force_login(StaffFactory(is_superuser=True))  # no authenticator
    assert client.get(SUPPORTERS).status_code == 302


# --- Tags -------------------------------------------------------------------------------------------


def test_admin_tag_add_list_and_refuse_duplicate_slug(staff_client):
    data = {"kind": "topic", "name": "Perfectionism", "slug": "perfectionism", "display_order": 50}
    assert staff_client.post("/admin/supporters/tag/add/", data).status_code == 302
    response = staff_client.post("/admin/supporters/tag/add/", data)
    assert response.status_code == 200
    assert Tag.objects.filter(slug="perfectionism").count() == 1
    TagFactory(kind=Tag.Kind.LANGUAGE, name="Korean")
    listing = staff_client.get("/admin/supporters/tag/?kind__exact=language")
    assert [tag.name for tag in listing.context["cl"].result_list] == ["Korean"]
    assert [
        t.name for t in staff_client.get("/admin/supporters/tag/?q=perfect").context["cl"].result_list
    ] == ["Perfectionism"]


# --- Operating hours ----------------------------------------------------------------------------------


def test_admin_operating_hours_empty_list_explains_the_defaults(staff_client):
    response = staff_client.get("/admin/supporters/operatinghours/")
    assert response.status_code == 200
    assert "defaults apply" in response.content.decode()


def test_admin_operating_hours_change_regenerates_every_supporter(
    staff_client, django_capture_on_commit_callbacks
):
    morning, afternoon = SupporterFactory(), SupporterFactory()
    RuleFactory(supporter=morning, weekday=0, start_time=dt.time(9), end_time=dt.time(11))
    RuleFactory(supporter=afternoon, weekday=0, start_time=dt.time(14), end_time=dt.time(16))
    for supporter in (morning, afternoon):
        slots_regenerate(supporter_id=supporter.pk)
    assert afternoon.slots.exists()
    morning_count = morning.slots.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/supporters/operatinghours/add/",
            {"weekday": 0, "opens_at": "09:00", "closes_at": "12:00"},
            follow=True,
        )
    assert OperatingHours.objects.get().closes_at == dt.time(12)
    assert "open slots are being updated" in response.content.decode()
    assert not afternoon.slots.exists()
    assert morning.slots.count() == morning_count


# --- Slots --------------------------------------------------------------------------------------------


def test_admin_slots_are_read_only(staff_client):
    slot = SlotFactory()
    listing = staff_client.get("/admin/supporters/slot/?status__exact=open")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [slot]
    day = slot.start
    assert (
        staff_client.get(
            f"/admin/supporters/slot/?start__year={day.year}&start__month={day.month}"
        ).status_code
        == 200
    )
    assert staff_client.get("/admin/supporters/slot/add/").status_code == 403
    detail = staff_client.get(f"/admin/supporters/slot/{slot.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    response = staff_client.post(f"/admin/supporters/slot/{slot.pk}/change/", {"status": "booked"})
    assert response.status_code == 403
    assert staff_client.post(f"/admin/supporters/slot/{slot.pk}/delete/", {"post": "yes"}).status_code == 403
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN
