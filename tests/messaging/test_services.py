"""Messaging's services: opening, sending, reading, the reply-by clock, the sweep's emails."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from bookings.services import booking_request
from messaging import services
from messaging.models import Conversation, Message
from messaging.selectors import conversation_list_overdue, conversation_reply_by
from notifications.models import Notification
from tests.factories import (
    LeaveFactory,
    SeekerFactory,
    SlotFactory,
    a_conversation,
    hour_from_now,
)
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


def send(conversation, who, body="Hello there", **kwargs):
    user = conversation.seeker.user if who == "seeker" else conversation.supporter.user
    return services.message_send(conversation_id=conversation.pk, sender=user, body=body, **kwargs)


def fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


# --- Opening ---------------------------------------------------------------------------------------


def test_requesting_a_session_opens_the_pairs_conversation_once():
    seeker = SeekerFactory()
    give_card(seeker)
    first, second = SlotFactory(start=hour_from_now(50)), None
    booking = booking_request(seeker=seeker, slot_id=first.pk, confirms_no_personal_relationship=True)
    second = SlotFactory(supporter=first.supporter, start=hour_from_now(98))
    later = booking_request(seeker=seeker, slot_id=second.pk, confirms_no_personal_relationship=True)
    conversation = Conversation.objects.get()
    assert (conversation.seeker, conversation.supporter) == (seeker, booking.supporter)
    assert conversation.last_session_end == later.end


def test_a_conversation_is_open_until_ninety_days_after_the_last_session_then_read_only(settings):
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        end = fresh(conversation).last_session_end
    with time_machine.travel(end + dt.timedelta(days=90) - dt.timedelta(minutes=1), tick=False):
        send(conversation, "seeker")
    with (
        time_machine.travel(end + dt.timedelta(days=90), tick=False),
        pytest.raises(services.MessagingError, match="Book another session"),
    ):
        send(conversation, "seeker")
    settings.MESSAGING_OPEN_FOR = dt.timedelta(days=120)  # a setting
    with time_machine.travel(end + dt.timedelta(days=100), tick=False):
        send(conversation, "seeker")
    assert Message.objects.count() == 2


# --- Encryption at rest ----------------------------------------------------------------------------


def test_message_bodies_are_ciphertext_in_the_table():
    conversation = a_conversation()
    message = send(conversation, "seeker", "I had a rough week and wanted to say")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message WHERE id = %s", [message.pk])
        (raw,) = cursor.fetchone()
    assert "rough week" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert Message.objects.get(pk=message.pk).body == "I had a rough week and wanted to say"


def test_pause_and_report_reasons_are_ciphertext_in_the_table():
    conversation = a_conversation()
    message = send(conversation, "seeker")
    services.message_report(message_id=message.pk, reporter=conversation.supporter.user, reason="Rude words")
    services.conversation_pause(
        conversation_id=conversation.pk, supporter_user=conversation.supporter.user, reason="Crossed a line"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM messaging_messagereport")
        (report,) = cursor.fetchone()
        cursor.execute("SELECT paused_reason FROM messaging_conversation")
        (pause,) = cursor.fetchone()
    assert "Rude" not in report and "line" not in pause


# --- Sending ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [("", "write a message"), ("   \n ", "write a message"), ("x" * 4001, "up to 4,000 characters")],
)
def test_a_bad_message_is_refused_with_a_clear_reason_and_nothing_changes(body, words):
    conversation = a_conversation()
    with pytest.raises(services.MessagingError) as caught:
        send(conversation, "seeker", body)
    assert words in caught.value.message
    assert Message.objects.count() == 0
    assert fresh(conversation).supporter_unread == 0
    assert fresh(conversation).awaiting_since is None


def test_exactly_four_thousand_characters_is_fine():
    conversation = a_conversation()
    assert len(send(conversation, "seeker", "é" * 4000).body) == 4000


def test_someone_outside_the_conversation_cannot_send():
    conversation = a_conversation()
    stranger = SeekerFactory().user
    with pytest.raises(services.MessagingError, match="couldn't find"):
        services.message_send(conversation_id=conversation.pk, sender=stranger, body="hi")
    assert Message.objects.count() == 0


def test_sending_is_rate_limited_per_person_with_a_clear_message(settings):
    conversation = a_conversation()
    for n in range(30):
        send(conversation, "seeker", f"message {n}")
    with pytest.raises(services.RateLimited, match="wait a few minutes"):
        send(conversation, "seeker", "one too many")
    assert Message.objects.count() == 30
    send(conversation, "supporter", "the other person still can")  # the limit is per person


def test_unread_counts_follow_sends_and_reads_and_a_later_message_stays_unread():
    conversation = a_conversation()
    first = send(conversation, "seeker", "one")
    send(conversation, "seeker", "two")
    assert fresh(conversation).supporter_unread == 2
    assert fresh(conversation).supporter_unread_from_id == first.pk
    seen = send(conversation, "seeker", "three")
    late = send(conversation, "seeker", "four, sent while the page was open")
    services.conversation_mark_read(
        conversation_id=conversation.pk, reader=conversation.supporter.user, upto_id=seen.pk
    )
    assert fresh(conversation).supporter_unread == 1
    assert fresh(conversation).supporter_unread_from_id == late.pk
    assert fresh(conversation).seeker_unread == 0


def test_a_paused_conversation_takes_no_messages_from_either_side():
    conversation = a_conversation()
    services.conversation_pause(
        conversation_id=conversation.pk, supporter_user=conversation.supporter.user, reason="Boundaries"
    )
    for who in ("seeker", "supporter"):
        with pytest.raises(services.MessagingError, match="paused"):
            send(conversation, who)
    assert fresh(conversation).paused_reason == "Boundaries"


def test_only_the_conversations_supporter_can_pause_it():
    conversation = a_conversation()
    with pytest.raises(services.MessagingError):
        services.conversation_pause(
            conversation_id=conversation.pk, supporter_user=conversation.seeker.user, reason="x"
        )
    assert fresh(conversation).paused_at is None


# --- The reply-by clock ----------------------------------------------------------------------------


def test_the_clock_starts_at_the_first_unanswered_seeker_message_and_stops_on_a_reply():
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        send(conversation, "seeker", "first")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=5), tick=False):
        send(conversation, "seeker", "second, does not restart it")
    assert fresh(conversation).awaiting_since == MONDAY_10AM
    assert conversation_reply_by(fresh(conversation)) == MONDAY_10AM + dt.timedelta(hours=48)
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=6), tick=False):
        send(conversation, "supporter", "answer")
    assert fresh(conversation).awaiting_since is None
    with time_machine.travel(MONDAY_10AM + dt.timedelta(days=3), tick=False):
        send(conversation, "seeker", "a new question")
    assert fresh(conversation).awaiting_since == MONDAY_10AM + dt.timedelta(days=3)


def test_the_supporter_writing_first_starts_no_clock():
    conversation = a_conversation()
    send(conversation, "supporter", "Looking forward to Thursday")
    assert fresh(conversation).awaiting_since is None


def test_reply_by_is_48_real_hours_to_the_minute_across_the_spring_daylight_saving_change():
    # Saturday 7 March 2026, 10:15 PST; clocks go forward on Sunday 8 March.
    start = dt.datetime(2026, 3, 7, 10, 15, tzinfo=LA)
    with time_machine.travel(start, tick=False):
        conversation = a_conversation(hours_ahead=24)
        send(conversation, "seeker")
    reply_by = conversation_reply_by(fresh(conversation))
    assert reply_by.astimezone(LA) == dt.datetime(2026, 3, 9, 11, 15, tzinfo=LA)  # 11:15 PDT, 48 h later
    assert reply_by - start == dt.timedelta(hours=48)
    with time_machine.travel(reply_by - dt.timedelta(minutes=1), tick=False):
        assert conversation_list_overdue() == []
    with time_machine.travel(reply_by, tick=False):
        assert [w.conversation.pk for w in conversation_list_overdue()] == [conversation.pk]


def test_reply_by_across_the_autumn_change_is_an_hour_earlier_on_the_wall_clock():
    start = dt.datetime(2026, 10, 31, 9, 0, tzinfo=LA)  # Saturday; clocks go back on Sunday 1 November
    with time_machine.travel(start, tick=False):
        conversation = a_conversation(hours_ahead=24)
        send(conversation, "seeker")
    reply_by = conversation_reply_by(fresh(conversation))
    assert reply_by.astimezone(LA).replace(tzinfo=None) == dt.datetime(2026, 11, 2, 8, 0)


def test_a_leave_pauses_the_clock_for_its_length():
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        send(conversation, "seeker")
        # A leave on Tuesday 1 and Wednesday 2 December (whole days in the supporter's zone).
        LeaveFactory(
            supporter=conversation.supporter, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 2)
        )
    reply_by = conversation_reply_by(fresh(conversation))
    # 14 hours run on Monday (10:00 to midnight), the clock stops for two days, 34 hours are left after.
    assert reply_by == dt.datetime(2026, 12, 4, 10, 0, tzinfo=LA)
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=LA), tick=False):
        assert conversation_list_overdue() == []  # would be overdue without the pause


def test_a_leave_without_an_end_stops_the_clock_until_it_is_ended():
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        LeaveFactory(supporter=conversation.supporter, start_date=dt.date(2026, 11, 30), end_date=None)
        send(conversation, "seeker", "messages still arrive")
    assert Message.objects.count() == 1
    assert conversation_reply_by(fresh(conversation)) is None
    with time_machine.travel(MONDAY_10AM + dt.timedelta(days=30), tick=False):
        assert conversation_list_overdue() == []


# --- Emails ----------------------------------------------------------------------------------------


def unread_emails():
    return list(Notification.objects.filter(key__startswith="message-unread-"))


def test_one_unread_email_after_ten_minutes_per_batch_without_the_text(after_commit, mailoutbox):
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation(slot__supporter__display_name="Ana Lopez")
        send(conversation, "supporter", "Secret words about my week")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(minutes=9, seconds=59), tick=False):
        assert services.unread_emails_send() == 0
    with time_machine.travel(MONDAY_10AM + dt.timedelta(minutes=10), tick=False), after_commit():
        send(conversation, "supporter", "a second message, same batch")
        assert services.unread_emails_send() == 1
        assert services.unread_emails_send() == 0
    [email] = [m for m in mailoutbox if m.to == [conversation.seeker.user.email]]
    assert email.subject == "You have a new message on peersnet"
    assert "You have a new message from Ana Lopez on peersnet." in email.body
    assert "Secret" not in email.body and "second message" not in email.body
    assert "988" in email.body and "911" in email.body
    assert f"/messages/{conversation.pk}/" in email.body
    # Read, then a new message: a new batch, a new email (once more only).
    last = Message.objects.latest("pk")
    services.conversation_mark_read(
        conversation_id=conversation.pk, reader=conversation.seeker.user, upto_id=last.pk
    )
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=1), tick=False):
        send(conversation, "supporter", "later")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=2), tick=False):
        assert services.unread_emails_send() == 1
        assert services.unread_emails_send() == 0
    assert len(unread_emails()) == 2


def test_a_message_read_within_ten_minutes_gets_no_email():
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        message = send(conversation, "seeker")
        services.conversation_mark_read(
            conversation_id=conversation.pk, reader=conversation.supporter.user, upto_id=message.pk
        )
    with time_machine.travel(MONDAY_10AM + dt.timedelta(minutes=30), tick=False):
        assert services.unread_emails_send() == 0
    assert unread_emails() == []


def test_message_emails_turned_off_means_none_but_the_reply_nudge_still_comes():
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        services.messaging_preference_set(user=conversation.supporter.user, message_emails=False)
        send(conversation, "seeker")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=25), tick=False):
        services.messaging_sweep()
    assert unread_emails() == []
    assert Notification.objects.filter(key__startswith="message-nudge-").count() == 1


def test_the_reply_nudge_comes_once_when_24_hours_are_left_without_the_text(after_commit, mailoutbox):
    with time_machine.travel(MONDAY_10AM, tick=False):
        conversation = a_conversation()
        send(conversation, "seeker", "Private worries")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=23, minutes=59), tick=False):
        assert services.reply_nudges_send() == 0
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=24), tick=False), after_commit():
        assert services.reply_nudges_send() == 1
        assert services.reply_nudges_send() == 0
    [nudge] = [m for m in mailoutbox if m.subject == "A message is waiting for your reply"]
    assert nudge.to == [conversation.supporter.user.email]
    assert "Private" not in nudge.body
    assert "Wednesday 2 December, 10:00 AM Pacific Time" in nudge.body


def test_emails_never_mention_mental_health_in_their_subjects():
    assert Notification.objects.count() == 0  # nothing queued by the conversation itself
    conversation = a_conversation()
    with time_machine.travel(MONDAY_10AM, tick=False):
        send(conversation, "seeker")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(hours=30), tick=False):
        services.messaging_sweep()
    subjects = " ".join(Notification.objects.values_list("subject", flat=True)).lower()
    for word in ("mental", "crisis", "support", "therapy", "anxiety", "depress"):
        assert word not in subjects


def test_the_mail_module_is_untouched_by_sending():
    conversation = a_conversation()
    send(conversation, "seeker")
    assert mail.outbox == []  # no email at send time: only the sweep, ten minutes later


def test_the_export_holds_the_persons_messages_and_reports_and_nobody_elses():
    from messaging.exports import export_for_user

    conversation = a_conversation()
    send(conversation, "seeker", "mine")
    reply = send(conversation, "supporter", "theirs")
    services.message_report(message_id=reply.pk, reporter=conversation.seeker.user, reason="unkind")
    send(a_conversation(), "seeker", "someone else's")
    data = export_for_user(conversation.seeker.user)
    assert [m["text"] for m in data["messages"]] == ["mine", "theirs"]
    assert data["messages"][0]["from"] == "you"
    assert data["reports"][0]["reason"] == "unkind"
    assert data["message_emails"] is True
