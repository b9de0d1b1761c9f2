"""Outbox retries (README "Operations"): backoff inside a time budget, permanent refusals, staff alerts,
resending, and one Message-ID per email. Against a real SMTP server (aiosmtpd) that the tests stop,
start and teach to refuse a mailbox; time is frozen and moved with time-machine, sweeps run as beat's."""

import asyncio
import datetime as dt
import email
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from notifications.models import Notification
from notifications.services import (
    ALERT_KEY_PREFIX,
    Email,
    NotificationError,
    backoff_delay,
    notification_queue,
    notification_queue_rendered,
    notification_resend,
    notification_sweep,
)
from tests.conftest import Inbox
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def queue(n: int, *, to: str = "maya@example.com") -> list[Notification]:
    with transaction.atomic():
        return [
            notification_queue(
                Email(
                    key=f"thing-{i}-hello-{to.split('@')[0]}",
                    to=to,
                    subject="Hello from peersnet",
                    template="notifications/test/hello",
                    context={"name": "Maya"},
                )
            )
            for i in range(n)
        ]


def message_ids(inbox: Inbox) -> list[str]:
    return [email.message_from_string(raw)["Message-ID"] for _rcpt, raw in inbox.messages]


class RefusingInbox(Inbox):
    """A mail server that says 550 (mailbox unavailable) to one address: a permanent refusal."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SlowInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.2)
        return await super().handle_DATA(server, session, envelope)


def test_backoff_doubles_from_a_minute_to_an_hour_with_jitter():
    for attempts, step in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (30, 60)]:
        delays = {backoff_delay(attempts) for _ in range(50)}
        assert all(step * MINUTE / 2 <= d <= step * MINUTE for d in delays), (attempts, delays)
        assert len(delays) > 1  # jittered: a backlog doesn't come back all in one second


def test_a_failed_email_waits_out_its_backoff_and_the_sweep_takes_only_due_rows(smtp_server):
    smtp_server.stop()
    with time_machine.travel(START, tick=False) as clock:
        [notification] = queue(1)  # the task after commit tries at once and fails
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
        assert START + MINUTE / 2 <= notification.next_attempt_at <= START + MINUTE
        clock.move_to(START + 20 * dt.timedelta(seconds=1))
        notification_sweep()
        notification.refresh_from_db()
        assert notification.attempts == 1  # not due yet: not tried

        clock.move_to(START + MINUTE)
        notification_sweep()
        notification.refresh_from_db()
        assert notification.attempts == 2
        assert START + 2 * MINUTE <= notification.next_attempt_at <= START + 3 * MINUTE
        assert (
            notification.status == Notification.Status.PENDING
            and "refused" in notification.last_error.lower()
        )


@pytest.mark.fault
def test_smtp_down_for_hours_loses_nothing_and_everything_arrives_once_it_returns(smtp_server, settings):
    """The old outbox gave up after 8 attempts a minute apart. Six hours of outage now cost under twenty
    attempts per email, and all of them arrive within the hour the server is back."""
    smtp_server.stop()
    with time_machine.travel(START, tick=False) as clock:
        queued = queue(5)
        with transaction.atomic():
            notification_queue_rendered(
                key="account-reset-1",
                to="sam@example.com",
                subject="Reset",
                body_text="https://x/reset/secret/",
                carries_secret=True,
            )
        now = START
        while now < START + dt.timedelta(hours=6):
            now += 5 * MINUTE
            clock.move_to(now)
            assert notification_sweep() == 0
        rows = list(Notification.objects.all())
        assert {r.status for r in rows} == {Notification.Status.PENDING}
        assert all(r.attempts < 20 for r in rows), [r.attempts for r in rows]
        assert Notification.objects.get(key="account-reset-1").body_text  # the link is still there to send

        smtp_server.start()
        clock.move_to(now + 61 * MINUTE)  # the longest backoff is an hour
        assert notification_sweep() == 6
    assert sorted(rcpt[0] for rcpt, _raw in smtp_server.inbox.messages) == ["maya@example.com"] * 5 + [
        "sam@example.com"
    ]
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 6
    assert Notification.objects.get(key="account-reset-1").body_text == ""  # blanked once sent
    assert len(set(message_ids(smtp_server.inbox))) == 6
    assert not Notification.objects.filter(key__startswith=ALERT_KEY_PREFIX).exists()
    assert {n.pk for n in queued} <= set(Notification.objects.values_list("pk", flat=True))


@pytest.mark.fault
def test_a_permanent_refusal_fails_at_once_and_staff_hear_of_it_once(smtp_server, settings):
    smtp_server.stop()
    smtp_server.inbox = RefusingInbox()
    smtp_server.start()
    with time_machine.travel(START, tick=True) as clock:
        [gone] = queue(1, to="gone@example.com")
        [fine] = queue(1, to="maya@example.com")
        gone.refresh_from_db()
        assert gone.status == Notification.Status.FAILED and gone.attempts == 1
        assert gone.last_error.startswith("refused by the mail server: 550")
        assert Notification.objects.get(pk=fine.pk).status == Notification.Status.SENT

        notification_sweep()  # the sweep that follows tells staff, in one email
        clock.move_to(START + 10 * MINUTE)
        notification_sweep()
        notification_sweep()
    alerts = [raw for rcpt, raw in smtp_server.inbox.messages if rcpt == [settings.STAFF_ALERT_EMAIL]]
    assert len(alerts) == 1
    alert = email.message_from_string(alerts[0])
    text = alert.get_payload(0).get_payload(decode=True).decode()
    assert alert["Subject"] == "Emails could not be delivered"
    assert gone.key in text and "550" in text
    assert "Hello from peersnet" not in text and "Hi Maya" not in text  # nothing of the email itself
    assert "gone@example.com" not in text
    assert "988" in text and "911" in text
    assert Notification.objects.get(pk=gone.pk).attempts == 1  # never retried


def test_every_attempt_of_an_email_has_the_same_message_id_in_the_site_domain(smtp_server, settings):
    """A worker that dies after the mail server took the email, before the row says so: the sweep sends it
    again (at least once) with the same Message-ID, so a provider can drop the duplicate."""
    settings.EMAIL_MESSAGE_ID_DOMAIN = "peersnet.example"
    with time_machine.travel(START, tick=False) as clock:
        [notification] = queue(1)
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENDING, claimed_at=START, next_attempt_at=START + 10 * MINUTE
        )
        clock.move_to(START + 5 * MINUTE)
        assert notification_sweep() == 0  # its worker may still be sending
        clock.move_to(START + 10 * MINUTE)
        assert notification_sweep() == 1
    first, second = message_ids(smtp_server.inbox)
    assert first == second
    assert re.fullmatch(r"<outbox\.[0-9a-f]{32}@peersnet\.example>", first)
    [other] = queue(1, to="sam@example.com")
    assert other.message_id != notification.message_id


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    return client


def test_staff_resend_a_failed_email_and_are_told_why_a_blanked_one_cant_be(staff_client, smtp_server):
    smtp_server.stop()
    with time_machine.travel(START, tick=False) as clock:
        [plain] = queue(1)
        with transaction.atomic():
            secret = notification_queue_rendered(
                key="account-reset-2",
                to="sam@example.com",
                subject="Reset",
                body_text="https://x/k/",
                carries_secret=True,
            )
        clock.move_to(START + dt.timedelta(hours=49))
        notification_sweep()  # the budget is spent: the first fails, and the server is down: the sweep stops
        notification_sweep()  # the second fails too
    assert set(
        Notification.objects.filter(pk__in=[plain.pk, secret.pk]).values_list("status", flat=True)
    ) == {"failed"}
    smtp_server.start()
    response = staff_client.post(
        "/admin/notifications/notification/",
        {"action": "resend", "_selected_action": [plain.pk, secret.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 email will be sent again." in page
    assert f"Email #{secret.pk} carried a one-time link that was erased" in page
    plain.refresh_from_db()
    assert plain.status == Notification.Status.SENT
    assert [rcpt for rcpt, _raw in smtp_server.inbox.messages if rcpt != ["staff@peersnet.example"]] == [
        ["maya@example.com"]
    ]
    assert Notification.objects.get(pk=secret.pk).status == Notification.Status.FAILED


def test_resend_refuses_an_email_that_has_not_failed():
    [notification] = queue(1)
    with pytest.raises(NotificationError, match="has not failed"):
        notification_resend(notification_id=notification.pk)


def test_a_sweep_stops_at_the_first_email_that_finds_the_mail_server_down(smtp_server):
    """A backlog doesn't make each sweep wait out one connection failure per row, nor spend the others'
    attempts: they stay due for the next sweep."""
    smtp_server.stop()
    with time_machine.travel(START, tick=False) as clock:
        queued = queue(3)
        clock.move_to(START + 2 * MINUTE)
        assert notification_sweep() == 0
        attempts = sorted(
            Notification.objects.filter(pk__in=[n.pk for n in queued]).values_list("attempts", flat=True)
        )
        assert attempts == [1, 1, 2]  # each tried once after commit; the sweep tried one more
