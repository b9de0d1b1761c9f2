"""Safety plans: every save a new version, conflicts refused with the newer version, nothing unchanged
saved, who counts as a current supporter, the one content-free email when a supporter saves, and the
version rows encrypted at rest."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from bookings.models import Booking
from notifications.models import Notification
from safety import plans_selectors as selectors
from safety import services
from safety.models import SafetyPlan, SafetyPlanVersion
from safety.plans_selectors import PlanAccess
from tests.factories import BookingFactory
from tests.privacy.encrypted_rows import raw_value

from .plan_helpers import plan_world, sections

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield plan_world()


def save(world, who: str, base: int, **texts):
    user = world.seeker.user if who == "seeker" else world.supporter.user
    return services.plan_save(
        seeker=world.seeker,
        author=user,
        author_role=who,
        sections=sections(**texts),
        base_version=base,
        now=timezone.now(),
    )


def test_plan_save_adds_a_version_each_time_and_keeps_the_older_ones(world):
    first = save(world, "supporter", 0, warning_signs="Not sleeping", reasons="My sister")
    second = save(world, "seeker", 1, warning_signs="Not sleeping\nSkipping meals", reasons="My sister")
    plan = SafetyPlan.objects.get(seeker=world.seeker)
    assert (first.number, second.number, plan.version) == (1, 2, 2)
    assert [v.number for v in selectors.plan_version_list(plan=plan)] == [2, 1]
    first.refresh_from_db()
    assert first.sections["warning_signs"] == "Not sleeping"
    assert second.sections["warning_signs"] == "Not sleeping\nSkipping meals"
    assert (first.author_role, first.author_name) == ("supporter", "Jess Rivera")
    assert (second.author_role, second.author, second.author_name) == ("seeker", world.seeker.user, "Robin")


def test_plan_save_from_an_older_version_is_refused_with_the_newer_one(world):
    save(world, "seeker", 0, coping="Walk the dog")
    save(world, "supporter", 1, coping="Walk the dog\nCall Sam")
    with pytest.raises(services.PlanConflict) as caught:
        save(world, "seeker", 1, coping="Walk the dog\nMusic")
    assert caught.value.newer.number == 2
    assert "Jess Rivera saved a newer version" in caught.value.message
    assert SafetyPlanVersion.objects.filter(plan__seeker=world.seeker).count() == 2
    assert selectors.plan_version_latest(plan=SafetyPlan.objects.get()).sections["coping"] == (
        "Walk the dog\nCall Sam"
    )


def test_a_conflict_with_my_own_newer_save_says_it_was_me(world):
    save(world, "seeker", 0, coping="Walk the dog")
    save(world, "seeker", 1, coping="Walk the dog\nRead")  # another window
    with pytest.raises(
        services.PlanConflict, match="You saved a newer version of this plan in another window"
    ):
        save(world, "seeker", 1, coping="Walk the dog\nMusic")


def test_plan_save_with_a_base_from_the_future_changes_nothing(world):
    with pytest.raises(services.PlanError, match="Please open it again"):
        save(world, "seeker", 3, coping="x")
    assert not SafetyPlanVersion.objects.exists()
    save(world, "seeker", 0, coping="x")
    with pytest.raises(services.PlanError, match="Please open it again"):
        save(world, "seeker", 2, coping="y")
    assert SafetyPlanVersion.objects.count() == 1


def test_plan_save_of_the_same_text_or_an_empty_first_plan_makes_no_version(world):
    with pytest.raises(services.PlanUnchanged):
        save(world, "seeker", 0)
    save(world, "seeker", 0, reasons="  My cat  ")
    with pytest.raises(services.PlanUnchanged):
        save(world, "seeker", 1, reasons="  My cat")  # trailing spaces are not a change
    assert SafetyPlanVersion.objects.count() == 1


def test_plan_save_refuses_too_long_text_and_unknown_sections(world):
    with pytest.raises(services.PlanError, match="2000"):
        save(world, "seeker", 0, reasons="x" * 2001)
    with pytest.raises(services.PlanError):
        services.plan_save(
            seeker=world.seeker,
            author=world.seeker.user,
            author_role="seeker",
            sections={**sections(reasons="ok"), "extra": "no"},
            base_version=0,
            now=timezone.now(),
        )
    with pytest.raises(services.PlanError):
        services.plan_save(
            seeker=world.seeker,
            author=world.supervisor,
            author_role="supervisor",
            sections=sections(reasons="ok"),
            base_version=0,
            now=timezone.now(),
        )
    assert not SafetyPlanVersion.objects.exists()


def test_the_version_contents_are_encrypted_in_the_database(world):
    version = save(world, "seeker", 0, reasons="Seeing the ocean again")
    raw = raw_value(SafetyPlanVersion, version.pk, "contents")
    assert raw.startswith("gAAAAA") and "ocean" not in raw
    assert json.loads(SafetyPlanVersion.objects.get().contents)["reasons"] == "Seeing the ocean again"


def test_a_supporters_save_emails_the_seeker_once_with_no_contents(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        save(world, "seeker", 0, reasons="Secret-reason-text")
        version = save(world, "supporter", 1, reasons="Secret-reason-text\nMore-secret-text")
    assert [m.to for m in mailoutbox] == [[world.seeker.user.email]]
    mail = mailoutbox[0]
    assert mail.subject == "Something new in your peersnet account"
    body = mail.body + "".join(str(alt[0]) for alt in mail.alternatives)
    for private in ("Secret-reason-text", "More-secret-text", "safety", "Safety", "crisis"):
        assert private not in mail.subject
    assert "Secret" not in body
    assert "988" in body  # the crisis line of every email
    assert Notification.objects.filter(key=f"safety-plan-version-{version.pk}").count() == 1


@pytest.mark.parametrize(
    ("status", "end_days_ago", "current"),
    [
        (Booking.Status.CONFIRMED, -3, True),  # upcoming
        (Booking.Status.COMPLETED, 89, True),
        (Booking.Status.REFUNDED, 89, True),
        (Booking.Status.COMPLETED, 91, False),
        (Booking.Status.REQUESTED, -3, False),
        (Booking.Status.CANCELLED, -3, False),
        (Booking.Status.NO_SHOW, 10, False),
    ],
)
def test_a_supporter_is_current_only_with_a_counting_booking_in_the_window(status, end_days_ago, current):
    with time_machine.travel(NOW, tick=False):
        booking = BookingFactory(status=status, hours_ahead=-24 * end_days_ago - 1)
        assert (booking.end >= NOW - dt.timedelta(days=90)) == (end_days_ago < 90)
        assert (
            selectors.supporter_is_current(supporter=booking.supporter, seeker=booking.seeker, now=NOW)
            is current
        )


def test_plan_access_by_kind_of_person(world):
    def access(user):
        return selectors.plan_access(user=user, seeker=world.seeker, now=NOW)

    assert access(world.seeker.user) == PlanAccess.SEEKER
    assert access(world.supporter.user) == PlanAccess.SUPPORTER
    assert access(world.supervisor) == PlanAccess.SUPERVISOR
    for outsider in (
        world.past_supporter.user,
        world.other_supporter.user,
        world.other_seeker.user,
        world.operations,
    ):
        assert access(outsider) is None


def test_two_plans_never_share_versions(world):
    save(world, "seeker", 0, reasons="Mine")
    services.plan_save(
        seeker=world.other_seeker,
        author=world.other_seeker.user,
        author_role="seeker",
        sections=sections(reasons="Theirs"),
        base_version=0,
        now=NOW,
    )
    assert SafetyPlan.objects.count() == 2
    mine = SafetyPlan.objects.get(seeker=world.seeker)
    assert [v.sections["reasons"] for v in mine.versions.all()] == ["Mine"]
