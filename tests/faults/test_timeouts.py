"""Timeouts everywhere (issue #11, item 3): a row lock held elsewhere, a runaway statement and a hanging
Stripe each answer the calm "busy, try again" page (or the page's own calm message) within their timeout,
never a 500 or a hang, and change nothing, charge nothing twice.

Real components only: a second PostgreSQL connection in a thread holds the row lock; Stripe "hangs" through
a small HTTP proxy of the test's own in front of localstripe that forwards each request and then never
answers (the charge reaches Stripe, its answer is lost), or answers nothing at all."""

import http.server
import threading
import time
import urllib.request

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import RequestFactory
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking, BookingEvent
from notifications.models import Notification
from payments import gateway
from payments.models import Payment
from peersnet.middleware import BusyMiddleware, busy_reason
from tests.concurrency import postgresql_only
from tests.factories import BookingFactory, SeekerFactory
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, give_card

pytestmark = pytest.mark.fault
Status = Booking.Status


# --- PostgreSQL -------------------------------------------------------------------------------------


@pytest.fixture
def db_options():
    """Change the per-connection PostgreSQL options (as DATABASES OPTIONS would) for this test: every
    connection opened afterwards, in any thread, starts with them. Restored, and reconnected, after."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    original = options.get("options")

    def use(**timeouts_ms):
        options["options"] = " ".join(f"-c {name}={value}" for name, value in timeouts_ms.items())
        connection.close()

    yield use
    options["options"] = original
    connection.close()


@postgresql_only
@pytest.mark.django_db
def test_each_postgresql_connection_starts_with_the_configured_timeouts(settings):
    fresh = connections.create_connection("default")  # as a web or worker process opens one
    try:
        with fresh.cursor() as cursor:
            shown = {}
            for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout"):
                cursor.execute("SELECT setting FROM pg_settings WHERE name = %s", [name])
                shown[name] = int(cursor.fetchone()[0])
    finally:
        fresh.close()
    assert shown == {
        "lock_timeout": settings.DB_LOCK_TIMEOUT_MS,
        "statement_timeout": settings.DB_STATEMENT_TIMEOUT_MS,
        "idle_in_transaction_session_timeout": settings.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    }
    assert 0 < settings.DB_LOCK_TIMEOUT_MS < settings.DB_STATEMENT_TIMEOUT_MS < 30_000  # under gunicorn's


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_held_row_lock_answers_the_busy_page_within_lock_timeout_and_changes_nothing(client, db_options):
    db_options(lock_timeout=400, statement_timeout=5000)
    booking = BookingFactory(status=Status.CONFIRMED, hours_ahead=72)
    events_before = BookingEvent.objects.filter(booking=booking).count()
    mails_before = Notification.objects.count()
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Booking.objects.select_for_update().get(pk=booking.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        client.force_login(booking.seeker.user)
        started = time.monotonic()
        response = client.post(reverse("bookings:cancel", args=[booking.pk]))
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "please try again in a moment" in html and "988" in html and "911" in html
    assert elapsed < 3, elapsed  # lock_timeout (0.4 s) plus the page, not a 30 s hang
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED  # rolled back: nothing half done
    assert BookingEvent.objects.filter(booking=booking).count() == events_before
    assert Notification.objects.count() == mails_before
    # The lock gone, the same click works.
    response = client.post(reverse("bookings:cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_past_statement_timeout_is_busy_not_an_error(db_options):
    db_options(statement_timeout=200)
    with pytest.raises(OperationalError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    assert busy_reason(caught.value) == "statement timeout"
    assert busy_reason(OperationalError("server closed the connection")) is None  # other errors stay 500s


# --- Stripe hanging ----------------------------------------------------------------------------------


class StripeProxy:
    """An HTTP proxy in front of localstripe. ``mode``: "pass" forwards and answers; "swallow" forwards
    (so Stripe acts) and then never answers; "hang" never forwards nor answers. ``seen`` records each
    request's method, path and Idempotency-Key."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.mode = "pass"
        self.seen: list[tuple[str, str, str]] = []
        self.release = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append((self.command, self.path, self.headers.get("Idempotency-Key", "")))
                mode = proxy.mode
                if mode != "hang":
                    request = urllib.request.Request(
                        proxy.upstream + self.path,
                        data=body if self.command == "POST" else None,
                        method=self.command,
                        headers={k: v for k, v in self.headers.items() if k.lower() not in ("host",)},
                    )
                    try:
                        upstream = urllib.request.urlopen(request, timeout=10)
                    except urllib.error.HTTPError as exc:
                        upstream = exc
                    status, payload = upstream.status, upstream.read()
                if mode != "pass":
                    proxy.release.wait(60)  # the client gives up first
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stripe_proxy(stripe_server, settings):
    """Stripe reached through a proxy the test can make hang; a 1 s timeout and one retry."""
    proxy = StripeProxy(stripe_server)
    settings.STRIPE_API_BASE = proxy.url
    settings.STRIPE_TIMEOUT_SECONDS = 1.0
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    yield proxy
    proxy.close()


# At most: (1 + retries) × timeout, the SDK's back-off between them (≤ 1 s here), and the page itself.
STRIPE_BOUND_SECONDS = 2 * 1.0 + 1.0 + 2.0


@pytest.mark.django_db
def test_the_card_page_opens_at_once_while_stripe_hangs_and_starting_a_card_is_busy(client, stripe_proxy):
    seeker = SeekerFactory()
    give_card(seeker)
    client.force_login(seeker.user)
    stripe_proxy.mode = "hang"
    stripe_proxy.seen.clear()
    started = time.monotonic()
    page = client.get(reverse("payments:card"))
    assert page.status_code == 200 and "Visa ending 4242" in page.content.decode()
    assert time.monotonic() - started < 1.0
    assert stripe_proxy.seen == []  # the page asked Stripe nothing
    started = time.monotonic()
    setup = client.post(reverse("payments:card_setup"))
    assert time.monotonic() - started < STRIPE_BOUND_SECONDS
    assert setup.status_code == 503 and setup["Retry-After"] == "10"
    assert "try again" in setup.json()["error"]


@pytest.mark.django_db
def test_stripe_hanging_in_a_view_answers_the_busy_page_within_the_timeout(stripe_proxy):
    """An unreachable Stripe that a view doesn't handle itself becomes the busy page, not a 500."""
    stripe_proxy.mode = "hang"
    started = time.monotonic()
    with pytest.raises(gateway.GatewayUnavailable) as caught:
        gateway.card_get("pm_anything")
    assert time.monotonic() - started < STRIPE_BOUND_SECONDS
    assert len(stripe_proxy.seen) == 2  # the call and its one retry, each cut at the timeout
    request = RequestFactory().get("/account/card/")
    response = BusyMiddleware(lambda r: None).process_exception(request, caught.value)
    assert response.status_code == 503 and response["Retry-After"] == "10"
    html = response.content.decode()
    assert "We&#x27;re busy, please try again in a moment" in html or "We're busy" in html
    assert "988" in html and "911" in html


@pytest.mark.django_db
def test_paying_while_stripe_swallows_answers_calmly_and_the_retry_charges_once(
    client, stripe_proxy, after_commit
):
    """The charge reaches Stripe but its answer never comes back. The pay page answers within the
    timeout, and every send of this attempt (the SDK's retry, the seeker's second click) carries the same
    idempotency key, so Stripe makes one charge of them. localstripe ignores idempotency keys, so the
    keys are counted at the proxy."""
    booking = BookingFactory()
    give_card(booking.seeker, DECLINES_ON_CHARGE)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    give_card(booking.seeker, GOOD)
    client.force_login(booking.seeker.user)
    stripe_proxy.seen.clear()
    stripe_proxy.mode = "swallow"
    started = time.monotonic()
    response = client.post(reverse("bookings:pay", args=[booking.pk]), follow=True)
    assert time.monotonic() - started < STRIPE_BOUND_SECONDS
    assert response.status_code == 200  # back on the pay page with a calm message, not a 500
    assert "get an answer from our payment provider in time" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    stripe_proxy.mode = "pass"
    with after_commit():
        response = client.post(reverse("bookings:pay", args=[booking.pk]))
    assert (response.status_code, response.url) == (302, reverse("bookings:detail", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    charges = [
        key for method, path, key in stripe_proxy.seen if (method, path) == ("POST", "/v1/payment_intents")
    ]
    assert len(charges) == 3  # swallowed, the SDK's retry, the seeker's second click
    assert len(set(charges)) == 1 and charges[0] == f"booking-{booking.pk}-charge-2"
    assert Payment.objects.filter(payable=booking.payable, status=Payment.Status.SUCCEEDED).count() == 1
