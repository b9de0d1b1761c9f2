"""Operations dashboard benchmark (issue 18): the staff page at N supporters and 100,000 bookings.

Runs after ``bench.seed`` on the same throwaway database. Adds, with bulk inserts only:

- five seekers per supporter (each seeker books only that supporter, so no seeker ever holds two
  sessions at one time);
- ``bookings`` bookings spread over the sixteen weeks before now, one slot each (past slots, booked or
  closed), in the proportions of a busy service: mostly completed, some cancelled early or late, a few
  refunded, no-shows, declined or expired; and up to 2% of them as requests waiting on slots that
  ``bench.seed`` left held;
- for every session that was paid, a payable and its succeeded payment; refunds for refunded sessions
  and the supporter's cancellations, a few failed refunds and payments waiting for the card holder;
- "I didn't love it" or "loved it" for a third of the completed sessions, and 500 applications.

Then the dashboard is timed as a superuser (who gets every link) through the test client, like the
other rows.
"""

import datetime as dt
import random
import time

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, SessionFeedback
from payments.models import Payable, Payment, Refund
from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile
from workforce.models import Application
from workforce.stages import Stage

from .directory import URL_BASELINE, Row, explain_slowest, production_like, time_get

URL_DASHBOARD = "/staff/dashboard/"
TARGET_DASHBOARD_MS = 200  # issue 18: median on PostgreSQL at 1,000 supporters and 100,000 bookings
EMAIL_DOMAIN = "bench-dashboard.peersnet.example"
SEEKERS_PER_SUPPORTER = 5
WEEKS_BACK = 16
APPLICATIONS = 500
S = Booking.Status
# (status, share) of the past bookings; the rest of the shares go to COMPLETED.
PAST_MIX = [
    (S.REFUNDED, 0.03),
    (S.NO_SHOW, 0.02),
    (S.CANCELLED, 0.08),
    (S.LATE_CANCELLED, 0.03),
    (S.CANCELLED_BY_SUPPORTER, 0.02),
    (S.DECLINED, 0.03),
    (S.EXPIRED, 0.02),
]
PAID = {S.COMPLETED, S.REFUNDED, S.NO_SHOW, S.LATE_CANCELLED, S.CANCELLED, S.CANCELLED_BY_SUPPORTER}
REFUNDED = {S.REFUNDED, S.CANCELLED, S.CANCELLED_BY_SUPPORTER}
CANCELLED = {S.CANCELLED, S.LATE_CANCELLED, S.CANCELLED_BY_SUPPORTER}
HOLDS_SLOT = set(Booking.HOLDING)


def _status(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in PAST_MIX:
        if roll < share:
            return status
        roll -= share
    return S.COMPLETED


def seed_bookings(*, bookings: int, rng: random.Random | None = None) -> dict:
    """Seekers, slots, bookings, money, feedback and applications for every supporter without bookings
    yet (see the module docstring). Returns what was made."""
    rng = rng or random.Random(18)  # noqa: S311 - repeatable data, not security
    now = timezone.now()
    supporters = list(
        SupporterProfile.objects.filter(bookings__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if not supporters or bookings < 1:
        return {"bookings": 0}
    password = make_password(None)
    first = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    emails = [f"seeker{first + i}@{EMAIL_DOMAIN}" for i in range(len(supporters) * SEEKERS_PER_SUPPORTER)]
    User.objects.bulk_create(
        [
            User(email=e, first_name="Robin", password=password, date_of_birth=dt.date(2001, 5, 5))
            for e in emails
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(email__in=emails).order_by("pk").values_list("pk", flat=True))
    SeekerProfile.objects.bulk_create([SeekerProfile(user_id=u) for u in users], batch_size=2000)
    seekers = list(
        SeekerProfile.objects.filter(user_id__in=users).order_by("user_id").values_list("pk", flat=True)
    )

    length = dt.timedelta(minutes=settings.SESSION_MINUTES)
    top_of_hour = now.replace(minute=0, second=0, microsecond=0)
    span_hours = WEEKS_BACK * 7 * 24
    waiting_share = 0.02
    per_supporter = max(1, bookings // len(supporters))
    spacing = max(1, span_hours // per_supporter)
    # Requests waiting go on slots bench.seed left held (a request holds its slot).
    held = {}
    for slot_id, supporter_id, start in (
        Slot.objects.filter(status=Slot.Status.HELD, supporter_id__in=supporters)
        .order_by("supporter_id", "start")
        .values_list("pk", "supporter_id", "start")
    ):
        held.setdefault(supporter_id, []).append((slot_id, start))

    slots, plans = [], []  # plans: (index in slots or None, supporter, seeker, status, start, slot_id)
    made = 0
    for index, supporter_id in enumerate(supporters):
        own_seekers = seekers[index * SEEKERS_PER_SUPPORTER : (index + 1) * SEEKERS_PER_SUPPORTER]
        quota = per_supporter + (1 if index < bookings - per_supporter * len(supporters) else 0)
        waiting = held.get(supporter_id, [])[: int(quota * waiting_share + rng.random())]
        for k, (slot_id, start) in enumerate(waiting):
            plans.append(
                (None, supporter_id, own_seekers[k % SEEKERS_PER_SUPPORTER], S.REQUESTED, start, slot_id)
            )
        offset = index % spacing
        for j in range(quota - len(waiting)):
            start = top_of_hour - dt.timedelta(hours=1 + offset + j * spacing)
            status = _status(rng)
            slots.append(
                Slot(
                    supporter_id=supporter_id,
                    start=start,
                    end=start + length,
                    status=Slot.Status.BOOKED if status in HOLDS_SLOT else Slot.Status.CLOSED,
                )
            )
            plans.append(
                (len(slots) - 1, supporter_id, own_seekers[j % SEEKERS_PER_SUPPORTER], status, start, None)
            )
        made += quota
    Slot.objects.bulk_create(slots, batch_size=5000)

    rows = []
    for slot_index, supporter_id, seeker_id, status, start, slot_id in plans:
        requested_at = start - dt.timedelta(hours=rng.randint(24, 24 * 10))
        if status == S.REQUESTED:
            requested_at = now - dt.timedelta(minutes=rng.randint(5, 23 * 60))
        ended_at = None
        if status in CANCELLED:
            ended_at = start - dt.timedelta(hours=rng.randint(2, 96))
        elif status in (S.DECLINED, S.EXPIRED):
            ended_at = requested_at + dt.timedelta(hours=rng.randint(1, 20))
        elif status != S.REQUESTED:
            ended_at = start + length
        rows.append(
            Booking(
                seeker_id=seeker_id,
                supporter_id=supporter_id,
                slot_id=slot_id if slot_index is None else slots[slot_index].pk,
                start=start,
                end=start + length,
                status=status,
                requested_at=requested_at,
                respond_by=min(requested_at + dt.timedelta(hours=24), start - dt.timedelta(hours=1)),
                accepted_at=requested_at + dt.timedelta(hours=2) if status in PAID else None,
                ended_at=ended_at,
                price_cents=settings.SESSION_PRICE_CENTS,
                amount_paid_cents=settings.SESSION_PRICE_CENTS if status in PAID else 0,
                no_show_by=Booking.Party.SEEKER if status == S.NO_SHOW else "",
            )
        )
    Booking.objects.bulk_create(rows, batch_size=5000)

    payables, paid_rows = [], []
    for booking in rows:
        if booking.status in PAID:
            paid_at = booking.accepted_at
            payables.append(
                Payable(
                    purpose="booking",
                    key_prefix=f"bench-booking-{booking.pk}",
                    amount_cents=booking.price_cents,
                    seeker_id=booking.seeker_id,
                    status=Payable.Status.PAID,
                    paid_at=paid_at,
                )
            )
            paid_rows.append(booking)
    Payable.objects.bulk_create(payables, batch_size=5000)
    payments = [
        Payment(
            payable_id=payable.pk,
            amount_cents=payable.amount_cents,
            refunded_cents=payable.amount_cents if booking.status in REFUNDED else 0,
            status=Payment.Status.SUCCEEDED,
            idempotency_key=f"{payable.key_prefix}-charge-1",
            card_brand="visa",
            card_last4="4242",
            succeeded_at=payable.paid_at,
        )
        for payable, booking in zip(payables, paid_rows, strict=True)
    ]
    Payment.objects.bulk_create(payments, batch_size=5000)
    refunds = [
        Refund(
            payment_id=payment.pk,
            amount_cents=payment.amount_cents,
            reason=Refund.Reason.GUARANTEE if booking.status == S.REFUNDED else Refund.Reason.POLICY,
            status=Refund.Status.FAILED if rng.random() < 0.01 else Refund.Status.SUCCEEDED,
            idempotency_key=f"{payment.idempotency_key}-refund",
            succeeded_at=booking.ended_at + dt.timedelta(minutes=5),
        )
        for payment, booking in zip(payments, paid_rows, strict=True)
        if booking.status in REFUNDED
    ]
    for refund in refunds:
        if refund.status == Refund.Status.FAILED:
            refund.succeeded_at = None
    Refund.objects.bulk_create(refunds, batch_size=5000)
    # Payments waiting for the card holder (3-D Secure): a new attempt on a few open payables.
    waiting_payables = Payable.objects.bulk_create(
        [
            Payable(
                purpose="booking",
                key_prefix=f"bench-3ds-{first}-{i}",
                amount_cents=settings.SESSION_PRICE_CENTS,
            )
            for i in range(max(1, made // 1000))
        ]
    )
    Payment.objects.bulk_create(
        [
            Payment(
                payable_id=p.pk,
                amount_cents=p.amount_cents,
                status=Payment.Status.REQUIRES_ACTION,
                idempotency_key=f"{p.key_prefix}-charge-1",
            )
            for p in waiting_payables
        ]
    )
    feedback = [
        SessionFeedback(booking_id=b.pk, loved=b.status != S.REFUNDED, rating=rng.randint(3, 5))
        for b in rows
        if (b.status == S.REFUNDED) or (b.status == S.COMPLETED and rng.random() < 0.33)
    ]
    SessionFeedback.objects.bulk_create(feedback, batch_size=5000)
    # auto_now_add set every claim to now: back to a while after each session.
    ended = {b.pk: b.ended_at for b in rows}
    for item in feedback:
        item.created_at = ended[item.booking_id] + dt.timedelta(hours=rng.randint(1, 72))
    SessionFeedback.objects.bulk_update(feedback, ["created_at"], batch_size=5000)

    applicant_emails = [f"applicant{first + i}@{EMAIL_DOMAIN}" for i in range(APPLICATIONS)]
    User.objects.bulk_create([User(email=e, first_name="Ari", password=password) for e in applicant_emails])
    stages = list(Stage)
    Application.objects.bulk_create(
        [
            Application(user_id=u, stage=rng.choice(stages), stage_changed_at=now)
            for u in User.objects.filter(email__in=applicant_emails).values_list("pk", flat=True)
        ]
    )
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return {
        "bookings": len(rows),
        "payments": len(payments) + len(waiting_payables),
        "refunds": len(refunds),
        "feedback": len(feedback),
    }


def measure_dashboard(*, bookings: int, repeat: int, explain: bool = False) -> tuple[list[Row], dict, str]:
    """Seed (``seed_bookings``), then time the dashboard for a superuser. Returns the row, what was
    seeded (with the seconds it took) and the plan of the page's slowest query when asked."""
    started = time.perf_counter()
    seeded = seed_bookings(bookings=bookings)
    seeded["seconds"] = time.perf_counter() - started
    seeded["total_bookings"] = Booking.objects.count()
    staff = User.objects.create(
        email=f"bench-staff-{User.objects.count()}@{EMAIL_DOMAIN}",
        password=make_password(None),
        is_staff=True,
        is_superuser=True,
    )
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(staff)
    with production_like():
        floor = time_get(client, URL_BASELINE, repeat=repeat)
        timings, sql, queries, captured = time_get(client, URL_DASHBOARD, repeat=repeat)
    plan = ""
    if explain:
        slowest = sorted(captured, key=lambda q: float(q.get("time") or 0), reverse=True)[:6]
        plan = "Its queries' times (the slowest six of one request):\n" + "\n".join(
            f"{float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}" for q in slowest
        )
        plan += "\n\n" + explain_slowest(captured)
    rows = [
        Row(f"baseline: a static page `{URL_BASELINE}`", floor[0], floor[2], None, floor[1]),
        Row(f"operations dashboard `{URL_DASHBOARD}`", timings, queries, TARGET_DASHBOARD_MS, sql),
    ]
    return rows, seeded, plan


def format_dashboard(rows: list[Row], seeded: dict, *, repeat: int, plan: str = "") -> str:
    lines = [
        "",
        f"Operations dashboard: {seeded.get('total_bookings', 0)} bookings in all "
        f"({seeded.get('bookings', 0)} seeded here with {seeded.get('payments', 0)} payments, "
        f"{seeded.get('refunds', 0)} refunds and "
        f"{seeded.get('feedback', 0)} feedback rows, in {seeded.get('seconds', 0):.1f} s); {repeat} timed "
        "requests after 3 warm-up requests",
        "",
        "| measurement | median | p95 | of which SQL (median) | queries | target (median) | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        met = "–" if row.met is None else ("yes" if row.met else "**no**")
        target = "–" if row.target_ms is None else f"≤ {row.target_ms:.0f} ms"
        lines.append(
            f"| {row.name} | {row.median_ms:.1f} ms | {row.p95_ms:.1f} ms | {row.sql_median_ms or 0:.1f} ms "
            f"| {row.queries} | {target} | {met} |"
        )
    if len(rows) > 1 and rows[0].median_ms > 0:
        lines += [
            "",
            f"The dashboard is {rows[1].median_ms / rows[0].median_ms:.1f}× the static floor of this run.",
        ]
    if plan:
        lines += ["", "```", plan, "```"]
    return "\n".join(lines)
