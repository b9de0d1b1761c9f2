"""Two people saving the same plan at the same moment, against PostgreSQL: one version is written, the
other save is refused as a conflict (never a lost update, never a server error)."""

import pytest
from django.utils import timezone

from bookings.models import Booking
from safety import services
from safety.models import SafetyPlan, SafetyPlanVersion
from tests.concurrency import postgresql_only, race
from tests.factories import BookingFactory

from .plan_helpers import sections

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def saver(seeker, user, role, base, text):
    def call():
        return services.plan_save(
            seeker=seeker,
            author=user,
            author_role=role,
            sections=sections(reasons=text),
            base_version=base,
            now=timezone.now(),
        )

    return call


@pytest.mark.parametrize("base", [0, 1])
def test_two_saves_from_the_same_version_write_one_and_refuse_the_other(base):
    booking = BookingFactory(status=Booking.Status.CONFIRMED)
    seeker, supporter = booking.seeker, booking.supporter
    if base:
        saver(seeker, seeker.user, "seeker", 0, "first")()
    results = race(
        [
            saver(seeker, seeker.user, "seeker", base, "from the seeker"),
            saver(seeker, supporter.user, "supporter", base, "from the supporter"),
        ]
    )
    written = [r for r in results if isinstance(r, SafetyPlanVersion)]
    refused = [r for r in results if isinstance(r, services.PlanConflict)]
    assert (len(written), len(refused)) == (1, 1), results
    assert refused[0].newer.number == base + 1
    plan = SafetyPlan.objects.get(seeker=seeker)
    assert plan.version == base + 1
    assert SafetyPlanVersion.objects.filter(plan=plan).count() == base + 1
