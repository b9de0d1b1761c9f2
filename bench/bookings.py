"""Request-and-accept throughput (issue 4): seekers request open slots and supporters accept them,
through the real services, with the fee charged on a local Stripe (localstripe, its own process).

Each booking is the whole path a person sets off: `booking_request` (conditional slot update, booking
row, event, outbox email) then `booking_accept` (lock, transition, after commit: the off-session charge
on localstripe, the payment recorded, the booking confirmed, the confirmation email with its .ics).
Emails go to Django's in-memory backend; Celery runs eagerly, as without REDIS_URL.
"""

import logging
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.test.utils import override_settings

from bookings.models import Booking
from bookings.services import booking_accept, booking_request
from seekers.services import seeker_profile_create
from supporters.models import Slot, SupporterProfile

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Throughput:
    bookings: int
    workers: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.bookings / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


@contextmanager
def local_stripe():
    """localstripe on a free loopback port for the duration, with the settings pointing at it."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(  # noqa: S603 - our own launcher, fixed arguments
        [sys.executable, str(ROOT / "tools" / "run_localstripe.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/js.stripe.com/v3/", timeout=1).close()  # noqa: S310 - loopback http
                break
            except OSError:
                time.sleep(0.05)
        from peersnet.celery import app as celery_app

        celery_app.conf.task_always_eager = True  # the charge runs in-process, as without REDIS_URL
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line per task otherwise
        with override_settings(
            STRIPE_API_BASE=base,
            STRIPE_SECRET_KEY="sk_test_bench",
            STRIPE_PUBLISHABLE_KEY="pk_test_bench",
            STRIPE_WEBHOOK_SECRET="whsec_bench",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _seekers_with_cards(count: int, *, prefix: str) -> list:
    """Seekers with a saved 4242 card, saved the way the card page does it (SetupIntent + confirm)."""
    import stripe  # the bench drives localstripe as Stripe.js would (app code: only payments/ imports it)
    from django.conf import settings

    from accounts.models import User
    from payments.services import card_setup_complete, card_setup_start

    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": settings.STRIPE_API_BASE})
    seekers = []
    for n in range(count):
        user = User.objects.create_user(email=f"{prefix}-seeker{n:05d}@bench.example", first_name="Bench")
        seeker = seeker_profile_create(user=user)
        secret = card_setup_start(seeker=seeker)
        setup_intent_id = secret.split("_secret_")[0]
        method = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"},
            }
        )
        client.v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
        card_setup_complete(seeker=seeker, setup_intent_id=setup_intent_id)
        seekers.append(seeker)
    return seekers


def _book(seeker, slot: Slot) -> float:
    started = time.perf_counter()
    booking = booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)
    booking_accept(booking_id=booking.pk, supporter=slot.supporter)
    elapsed = (time.perf_counter() - started) * 1000
    status = Booking.objects.values_list("status", flat=True).get(pk=booking.pk)
    assert status == Booking.Status.CONFIRMED, status  # every booking really got paid and confirmed
    return elapsed


def measure_throughput(*, bookings: int = 200, workers: int = 1) -> Throughput:
    """Book ``bookings`` distinct open slots with ``workers`` threads (each its own connection)."""
    from bookings.policy import request_deadline  # noqa: F401  (imported so the module is warm)
    from supporters.services import bookable_window

    earliest, latest = bookable_window()
    slots = list(
        Slot.objects.filter(
            status=Slot.Status.OPEN,
            start__gte=earliest,
            start__lte=latest,
            supporter__in=SupporterProfile.objects.listed(),
        )
        .select_related("supporter")
        .order_by("supporter_id", "start")
        .distinct("supporter_id")[:bookings]
        if connections["default"].vendor == "postgresql"
        else _one_slot_per_supporter(earliest, latest, bookings)
    )
    seekers = _seekers_with_cards(len(slots), prefix=f"run{Booking.objects.count()}")
    pairs = list(zip(seekers, slots, strict=True))
    latencies: list[float] = []
    lock = threading.Lock()

    def work(chunk):
        try:
            for seeker, slot in chunk:
                ms = _book(seeker, slot)
                with lock:
                    latencies.append(ms)
        finally:
            connections.close_all()

    chunks = [pairs[i::workers] for i in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        for seeker, slot in pairs:
            latencies.append(_book(seeker, slot))
    else:
        threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - started
    assert len(latencies) == len(pairs), "a booking failed; see the traceback above"
    return Throughput(bookings=len(pairs), workers=workers, seconds=seconds, latencies_ms=latencies)


def _one_slot_per_supporter(earliest, latest, limit: int) -> list[Slot]:
    seen, chosen = set(), []
    for slot in (
        Slot.objects.filter(status=Slot.Status.OPEN, start__gte=earliest, start__lte=latest)
        .select_related("supporter")
        .order_by("supporter_id", "start")
        .iterator()
    ):
        if slot.supporter_id not in seen:
            seen.add(slot.supporter_id)
            chosen.append(slot)
            if len(chosen) == limit:
                break
    return chosen


def format_throughput(results: list[Throughput]) -> str:
    lines = [
        "",
        "Request and accept (each: request, accept, off-session charge on localstripe, confirmation):",
        "",
        "| clients | bookings | bookings per second | median latency | p95 latency |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.workers} | {r.bookings} | {r.per_second:.1f} | {r.median_ms:.1f} ms | {r.p95_ms:.1f} ms |"
        )
    return "\n".join(lines)
