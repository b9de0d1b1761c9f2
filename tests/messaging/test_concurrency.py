"""Races against a real PostgreSQL: sends from both sides at once, two sweeps at once."""

import datetime as dt

import pytest
import time_machine

from messaging import services
from messaging.models import Conversation, Message
from notifications.models import Notification
from tests.concurrency import postgresql_only, race
from tests.factories import a_conversation

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_sends_from_both_sides_at_once_keep_order_and_counts():
    conversation = a_conversation()
    seeker, supporter = conversation.seeker.user, conversation.supporter.user
    calls = []
    for n in range(8):
        calls.append(
            lambda n=n: services.message_send(
                conversation_id=conversation.pk, sender=seeker, body=f"seeker {n}"
            )
        )
        calls.append(
            lambda n=n: services.message_send(
                conversation_id=conversation.pk, sender=supporter, body=f"supporter {n}"
            )
        )
    results = race(calls)
    assert all(isinstance(r, Message) for r in results), results
    messages = list(Message.objects.filter(conversation=conversation).order_by("pk"))
    assert len(messages) == 16
    # Ids follow the order the sends took the conversation lock, which is the order of their sent_at.
    assert [m.sent_at for m in messages] == sorted(m.sent_at for m in messages)
    for side in ("seeker", "supporter"):
        own = [int(m.body.split()[1]) for m in messages if m.side == side]
        assert sorted(own) == list(range(8))
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert fresh.seeker_unread == 8 and fresh.supporter_unread == 8
    assert fresh.supporter_unread_from_id == next(m.pk for m in messages if m.side == "seeker")
    assert fresh.seeker_unread_from_id == next(m.pk for m in messages if m.side == "supporter")
    last = messages[-1]
    assert (fresh.awaiting_since is None) == (last.side == "supporter")


def test_two_sweeps_at_once_send_one_email_per_unread_batch():
    start = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        conversations = [a_conversation() for _ in range(3)]
        for conversation in conversations:
            services.message_send(conversation_id=conversation.pk, sender=conversation.seeker.user, body="hi")
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        results = race(
            [services.unread_emails_send, services.unread_emails_send, services.unread_emails_send]
        )
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 3
    assert Notification.objects.filter(key__startswith="message-unread-").count() == 3
