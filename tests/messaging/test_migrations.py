"""messaging 0002: seekers and supporters who already had bookings together get their conversation,
open until 90 days after their latest session."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.concurrency import postgresql_only
from tests.migrations import migrate_forward, migrated_back_to

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_each_pair_with_bookings_gets_one_conversation_with_their_latest_session():
    with migrated_back_to([("messaging", "0001_initial"), ("bookings", "0007_money_reads_refunded")]) as apps:
        User = apps.get_model("accounts", "User")
        Seeker = apps.get_model("seekers", "SeekerProfile")
        Supporter = apps.get_model("supporters", "SupporterProfile")
        Slot = apps.get_model("supporters", "Slot")
        Booking = apps.get_model("bookings", "Booking")
        now = timezone.now().replace(minute=0, second=0, microsecond=0)

        def person(email):
            return User.objects.create(email=email, password="!", time_zone="America/Los_Angeles")

        seeker = Seeker.objects.create(user=person("seeker@example.com"))
        alone = Seeker.objects.create(user=person("alone@example.com"))
        supporter = Supporter.objects.create(
            user=person("supporter@example.com"), display_name="Jess", time_zone="America/Los_Angeles"
        )
        ends = []
        for hours, status in ((-200, "completed"), (30, "confirmed"), (60, "declined")):
            start = now + dt.timedelta(hours=hours)
            slot = Slot.objects.create(supporter=supporter, start=start, end=start + dt.timedelta(minutes=50))
            Booking.objects.create(
                seeker=seeker,
                supporter=supporter,
                slot=slot,
                start=slot.start,
                end=slot.end,
                status=status,
                requested_at=now,
                respond_by=now,
            )
            ends.append(slot.end)
        migrate_forward()

    from messaging.models import Conversation

    conversation = Conversation.objects.get()
    assert (conversation.seeker_id, conversation.supporter_id) == (seeker.pk, supporter.pk)
    assert conversation.last_session_end == max(ends)
    assert not Conversation.objects.filter(seeker_id=alone.pk).exists()
