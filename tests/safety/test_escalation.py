"""Escalation: a flag past its deadline unacknowledged emails every supervisor once (also with two sweeps
at once, on PostgreSQL), never before the deadline, never for an acknowledged flag; no words in any
email, and a subject that says nothing about what happened."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection

from messaging import services as messaging_services
from notifications.models import Notification
from safety import services, tasks
from safety.models import CrisisFlag
from seekers.services import intake_save
from tests.concurrency import postgresql_only, race
from tests.factories import SeekerFactory, StaffFactory, a_conversation

from .conftest import LA

WORDS = "I keep thinking I want to end my life, and the pills are right here"


def crisis_flag(words=WORDS) -> CrisisFlag:
    conversation = a_conversation()
    messaging_services.message_send(
        conversation_id=conversation.pk, sender=conversation.seeker.user, body=words
    )
    return CrisisFlag.objects.get(conversation=conversation)


def supervisors():
    group = Group.objects.get_or_create(name="supervisor")[0]
    one, two = StaffFactory(email="sup1@example.com"), StaffFactory(email="sup2@example.com")
    one.groups.add(group)
    two.groups.add(group)
    root = StaffFactory(email="root@example.com", is_superuser=True)
    StaffFactory(email="ops@example.com")  # staff, not a supervisor
    gone = StaffFactory(email="gone@example.com", is_active=False)
    gone.groups.add(group)
    return {one.email, two.email, root.email}


@pytest.mark.django_db
def test_an_overdue_flag_emails_every_supervisor_once_without_any_words(
    monday, mailoutbox, django_capture_on_commit_callbacks
):
    expected = supervisors()
    flag = crisis_flag()
    assert services.flags_escalate_overdue() == 0  # not due yet
    monday.move_to(dt.datetime(2026, 11, 30, 13, 59, tzinfo=LA))
    assert services.flags_escalate_overdue() == 0
    monday.move_to(dt.datetime(2026, 11, 30, 14, 0, tzinfo=LA))  # due at 2 PM: escalated at the deadline
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_overdue_flags.delay()
        tasks.escalate_overdue_flags.delay()  # a rerun
    flag.refresh_from_db()
    assert flag.escalated_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(expected)
    for email in mailoutbox:
        assert email.subject == "An item in the supervisor queue needs you"
        html = email.alternatives[0][0]
        for secret in ("end my life", "pills", "suicide", "crisis", "Crisis", flag.seeker.user.first_name):
            assert secret not in email.subject
            if secret not in ("crisis", "Crisis"):  # the footer names the crisis line, as every email does
                assert secret not in email.body and secret not in html
        assert f"/supervisor/flags/{flag.pk}/" in email.body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flags_escalate_overdue() == 0  # once only, later too
    assert len(mailoutbox) == len(expected)


@pytest.mark.django_db
def test_acknowledged_or_closed_flags_are_not_escalated(monday, mailoutbox):
    supervisors()
    acknowledged = crisis_flag()
    closed = crisis_flag()
    services.flag_acknowledge(flag_id=acknowledged.pk, by=StaffFactory())
    services.flag_close(flag_id=closed.pk, by=StaffFactory(), outcome="reached_out")
    monday.shift(dt.timedelta(days=3))
    assert services.flags_escalate_overdue() == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_an_intake_flag_escalates_too_without_the_answers(
    monday, mailoutbox, django_capture_on_commit_callbacks
):
    supervisors()
    intake_save(
        seeker=SeekerFactory(),
        answers={
            "preferred_name": "Al",
            "hopes": "My partner hits me and I'm not safe at home",
            "emergency_contact_name": "Sam",
            "emergency_contact_phone": "+1 555 000 1111",
        },
    )
    monday.shift(dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flags_escalate_overdue() == 1
    assert mailoutbox
    for email in mailoutbox:
        assert "hits me" not in email.body and "safe at home" not in email.body


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_escalate_a_flag_once():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=LA), tick=False):
        expected = supervisors()
        flags = [crisis_flag() for _ in range(3)]
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=LA), tick=False):
        results = race([services.flags_escalate_overdue, services.flags_escalate_overdue])
    assert connection.vendor == "postgresql"
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(flags)
    assert CrisisFlag.objects.filter(escalated_at__isnull=False).count() == len(flags)
    sent = list(Notification.objects.values_list("key", "to"))
    assert len(sent) == len(flags) * len(expected)
    assert {to for _key, to in sent} == expected
