"""Crisis flags from messages and intake: opened by the events of the apps below, one open per
conversation (later matches attach), the supporter's mark, acknowledging and closing, escalation once."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging import services as messaging_services
from messaging.models import Conversation
from safety import services
from safety.models import CrisisFlag
from seekers.services import intake_save
from tests.factories import SeekerFactory, StaffFactory, a_conversation

from .conftest import LA

pytestmark = pytest.mark.django_db


def send(conversation, who, body):
    user = conversation.seeker.user if who == "seeker" else conversation.supporter.user
    return messaging_services.message_send(conversation_id=conversation.pk, sender=user, body=body)


def intake(seeker, hopes):
    return intake_save(
        seeker=seeker,
        answers={
            "preferred_name": "Al",
            "hopes": hopes,
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "+1 555 000 1111",
        },
    )


def test_a_seekers_crisis_message_is_sent_and_opens_a_flag_due_in_four_operating_hours(monday):
    conversation = a_conversation()
    message = send(conversation, "seeker", "Honestly I want to end my life.")
    flag = CrisisFlag.objects.get()
    assert message.pk and flag.message_id == message.pk
    assert (flag.source, flag.conversation_id, flag.seeker_id) == (
        "message",
        conversation.pk,
        conversation.seeker_id,
    )
    assert flag.matched_words == "suicide: end my life"
    assert flag.opened_at == timezone.now()
    assert flag.due_at == dt.datetime(2026, 11, 30, 14, tzinfo=LA)
    conversation.refresh_from_db()
    assert conversation.safety_flag_open_at == flag.opened_at


def test_ordinary_messages_and_supporters_messages_open_nothing(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "That was a killer workout, I'm dying to see you Thursday")
    send(
        conversation, "supporter", "If you ever feel suicidal, call 988."
    )  # a supporter's words: not checked
    assert not CrisisFlag.objects.exists()
    assert Conversation.objects.get(pk=conversation.pk).safety_flag_open_at is None


def test_further_matches_attach_to_the_open_flag(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to kill myself")
    monday.shift(dt.timedelta(minutes=5))
    send(conversation, "seeker", "I hurt myself last night. I want to kill myself.")
    flag = CrisisFlag.objects.get()
    assert flag.match_count == 2
    assert flag.matched_words.splitlines() == ["suicide: kill myself", "self-harm: hurt myself"]
    assert flag.last_matched_at == timezone.now()
    assert flag.due_at == dt.datetime(2026, 11, 30, 14, tzinfo=LA)  # the first match's clock


def test_the_database_refuses_a_second_open_flag_for_a_conversation(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to die")
    first = CrisisFlag.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CrisisFlag.objects.create(
            source="message",
            seeker_id=first.seeker_id,
            conversation_id=conversation.pk,
            matched_words="x",
            opened_at=first.opened_at,
            last_matched_at=first.opened_at,
            due_at=first.due_at,
        )


def test_after_closing_a_new_match_opens_a_new_flag(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to die")
    flag = CrisisFlag.objects.get()
    services.flag_close(flag_id=flag.pk, by=StaffFactory(), outcome="reached_out")
    assert Conversation.objects.get(pk=conversation.pk).safety_flag_open_at is None
    send(conversation, "seeker", "I want to die")
    assert CrisisFlag.objects.filter(closed_at__isnull=True).count() == 1
    assert CrisisFlag.objects.count() == 2


def test_intake_answers_with_crisis_language_are_saved_and_open_a_flag(monday):
    seeker = SeekerFactory()
    saved = intake(seeker, "I've been self-harming and I feel unsafe")
    assert saved.pk
    flag = CrisisFlag.objects.get()
    assert (flag.source, flag.seeker_id, flag.conversation_id) == ("intake", seeker.pk, None)
    assert flag.matched_words == "self-harm: self harming"
    intake(seeker, "Still self harming, honestly")
    assert CrisisFlag.objects.get().match_count == 2
    intake(SeekerFactory(), "I'd like to sleep better")
    assert CrisisFlag.objects.count() == 1


def test_acknowledge_then_close_with_an_outcome(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to die")
    flag = CrisisFlag.objects.get()
    supervisor, other = StaffFactory(), StaffFactory()
    services.flag_acknowledge(flag_id=flag.pk, by=supervisor)
    services.flag_acknowledge(flag_id=flag.pk, by=other)  # the first acknowledgement stands
    flag.refresh_from_db()
    assert flag.acknowledged_by == supervisor and flag.acknowledged_at == timezone.now()
    with pytest.raises(services.FlagError, match="say why"):
        services.flag_close(flag_id=flag.pk, by=supervisor, outcome="no_action", reason="  ")
    with pytest.raises(services.FlagError, match="choose"):
        services.flag_close(flag_id=flag.pk, by=supervisor, outcome="shrug")
    flag.refresh_from_db()
    assert flag.closed_at is None  # nothing changed
    services.flag_close(flag_id=flag.pk, by=supervisor, outcome="no_action", reason="A song lyric, checked.")
    flag.refresh_from_db()
    assert (flag.outcome, flag.outcome_reason, flag.closed_by) == (
        "no_action",
        "A song lyric, checked.",
        supervisor,
    )
    again = services.flag_close(flag_id=flag.pk, by=other, outcome="referred")  # a double click
    assert again.outcome == "no_action" and again.closed_by == supervisor
    with pytest.raises(services.FlagError):
        services.flag_acknowledge(flag_id=flag.pk, by=other)


def test_closing_unacknowledged_acknowledges_too(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to die")
    flag = CrisisFlag.objects.get()
    supervisor = StaffFactory()
    services.flag_close(flag_id=flag.pk, by=supervisor, outcome="referred")
    flag.refresh_from_db()
    assert flag.acknowledged_by == supervisor and flag.closed_at == flag.acknowledged_at


def test_the_database_refuses_a_closed_flag_without_an_outcome(monday):
    conversation = a_conversation()
    send(conversation, "seeker", "I want to die")
    with pytest.raises(IntegrityError), transaction.atomic():
        CrisisFlag.objects.update(closed_at=timezone.now(), acknowledged_at=timezone.now())
