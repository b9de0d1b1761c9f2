import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import (
    Attachment,
    Email,
    notification_queue,
    notification_send,
)
from peersnet.celery import app as celery_app
from tests.notifications.helpers import sweep_when_due

pytestmark = pytest.mark.django_db(transaction=True)


def email(key="thing-1-hello", **changes):
    return Email(
        key=key,
        to="maya@example.com",
        subject="Hello from peersnet",
        template="notifications/test/hello",
        context={"name": "Maya"},
        **changes,
    )


def test_notification_queue_sends_after_commit_once(mailoutbox):
    with transaction.atomic():
        notification_queue(email())
        notification_queue(email())  # the same (object, kind) again: nothing new
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Hello from peersnet"
    assert "Hi Maya" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert Notification.objects.get().status == Notification.Status.SENT


def test_notification_queue_rolled_back_with_the_change_sends_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_queue(email())
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_notification_send_twice_sends_once(mailoutbox):
    with transaction.atomic():
        notification = notification_queue(
            email(attachments=[Attachment("a.ics", "BEGIN:VCALENDAR", "text/calendar")])
        )
    assert notification_send(notification_id=notification.pk).status == Notification.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][0] == "a.ics"


def test_notification_survives_a_broker_outage_and_the_sweep_sends_it(mailoutbox, redis_server):
    """Redis (the broker) is really stopped: queuing fails quietly, the row waits, the sweep delivers it."""
    redis_server.stop()
    broker_url = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url)
    celery_app._pool = None
    try:
        with transaction.atomic():
            notification_queue(email())
    finally:
        celery_app.conf.update(task_always_eager=True, broker_url=broker_url)
        celery_app._pool = None
    assert mailoutbox == []
    assert Notification.objects.get().status == Notification.Status.PENDING
    assert sweep_when_due() == 1
    assert len(mailoutbox) == 1
    assert sweep_when_due() == 0
    assert len(mailoutbox) == 1


def test_notification_send_failure_stays_pending_for_the_sweep(mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with transaction.atomic():
        notification = notification_queue(email())
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "mail server said no" in notification.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_when_due() == 1
