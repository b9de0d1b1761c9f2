"""The accept path in SQL statements: a supporter accepts a request, the saved card is charged off-session
(localstripe), the booking is confirmed and its two emails are queued in the outbox. Counted like
production (``transaction=True``: no test transaction around it, so no extra savepoints), with every
after-commit task run inline; only the delivery of the two emails (their own tasks, the outbox) is left
out of the count."""

import contextlib

import pytest
from celery.signals import task_postrun, task_prerun
from django.db import connection
from django.urls import reverse

from bookings.models import Booking
from messaging.services import conversation_open
from payments.models import Payment
from tests.bookings.test_views import login_supporter
from tests.factories import BookingFactory
from tests.payments.helpers import give_card, of_booking

pytestmark = pytest.mark.django_db(transaction=True)

#: Before this change the same path took 56 statements, reading the booking 6 times and the payment 5.
ACCEPT_PATH_MAX_STATEMENTS = 29
EMAIL_DELIVERY_TASKS = {"notifications.tasks.send_notification"}


@contextlib.contextmanager
def statements_outside_email_delivery():
    """Collect the SQL run inside the block, except while an email-delivery task runs."""
    collected: list[str] = []
    delivering: list[str] = []

    def before(task=None, **_):
        if task.name in EMAIL_DELIVERY_TASKS:
            delivering.append(task.name)

    def after(task=None, **_):
        if task.name in EMAIL_DELIVERY_TASKS:
            delivering.pop()

    def record(execute, sql, params, many, context):
        if not delivering:
            collected.append(sql)
        return execute(sql, params, many, context)

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
    try:
        with connection.execute_wrapper(record):
            yield collected
    finally:
        task_prerun.disconnect(before)
        task_postrun.disconnect(after)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="counted as production runs it: SQLite adds its own BEGIN IMMEDIATE statements",
)
def test_accept_charge_and_confirm_take_fewer_than_30_statements(client, mailoutbox):
    booking = BookingFactory()
    # What the request made, as booking_request does: the pair's conversation (messaging's handler).
    conversation_open(seeker_id=booking.seeker_id, supporter_id=booking.supporter_id, until=booking.end)
    give_card(booking.seeker)
    login_supporter(client, booking.supporter)
    with statements_outside_email_delivery() as statements:
        response = client.post(reverse("bookings:accept", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Payment.objects.get(**of_booking(booking)).status == Payment.Status.SUCCEEDED
    assert sorted(m.subject for m in mailoutbox) == ["Session confirmed", "Your session is confirmed"]
    assert len(statements) <= ACCEPT_PATH_MAX_STATEMENTS, "\n".join(statements)
    # No lock was dropped to get there: the booking is locked by the accept and again by the confirmation,
    # the payable by the charge wanted, the send's lease and the record, the payment by the record.
    locks = [s.split(" FROM ")[1].split()[0].strip('"') for s in statements if " FOR UPDATE" in s]
    assert sorted(locks) == sorted(
        ["bookings_booking"] * 2 + ["payments_payable"] * 3 + ["payments_payment"]
    ), locks
