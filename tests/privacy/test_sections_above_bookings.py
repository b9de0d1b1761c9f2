"""The apps above bookings join a person's export and their account's deletion through the registry:
messages (messaging), waitlists (waitlist), questionnaire answers, requests to our team and hidden
supporters (matching). The export holds them; the deletion erases them and leaves the other person's
words where they were."""

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import MatchAnswers
from matching.services import answers_save
from messaging.models import Message
from messaging.services import conversation_open, message_send
from privacy import services
from supporters.models import SupporterConflict
from tests.factories import BookingFactory
from waitlist.models import WaitlistEntry
from waitlist.services import waitlist_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeker_with_everything(settings):
    settings.MESSAGING_SEND_LIMIT = 1000
    booking = BookingFactory()
    seeker, supporter = booking.seeker, booking.supporter
    conversation = conversation_open(seeker_id=seeker.pk, supporter_id=supporter.pk, until=booking.end)
    message_send(conversation_id=conversation.pk, sender=seeker.user, body="Thinking about my exams")
    message_send(conversation_id=conversation.pk, sender=supporter.user, body="Happy to talk it through")
    waitlist_join(seeker=seeker, supporter_id=supporter.pk, weekdays=[0, 2], from_hour=9, until_hour=17)
    answers_save(values={"anything_else": "Someone who knows about grief"}, user=seeker.user)
    SupporterConflict.objects.create(
        supporter=BookingFactory().supporter, seeker_user=seeker.user, raised_by="seeker"
    )
    return seeker, supporter


def test_the_export_holds_messages_waitlists_and_matching(seeker_with_everything):
    seeker, supporter = seeker_with_everything
    payload = services.export_payload(user=seeker.user, now=timezone.now())["sections"]
    texts = [m["text"] for m in payload["messages"]["messages"]]
    assert texts == ["Thinking about my exams", "Happy to talk it through"]
    [entry] = payload["waitlists"]
    assert entry["supporter"] == supporter.display_name and entry["status"] == "waiting"
    assert payload["matching"]["questionnaire"]["anything_else"] == "Someone who knows about grief"
    assert len(payload["matching"]["supporters_you_hid"]) == 1


def test_deletion_erases_them_and_keeps_the_other_persons_words(seeker_with_everything):
    seeker, supporter = seeker_with_everything
    services.account_erase(user_id=seeker.user_id, by=None, now=timezone.now() + dt.timedelta(seconds=1))
    bodies = dict(Message.objects.values_list("sender_id", "body"))
    assert bodies[seeker.user_id] == ""
    assert bodies[supporter.user_id] == "Happy to talk it through"
    assert not WaitlistEntry.objects.filter(seeker=seeker).exists()
    assert not MatchAnswers.objects.filter(seeker=seeker).exists()
    assert not SupporterConflict.objects.filter(seeker_user_id=seeker.user_id).exists()
