"""Messaging benchmark (issue 14): a thread page and the send path, with N supporters who each have a
few conversations and 50,000 messages in all (encrypted, like the real rows).

Runs after the directory benchmark's seeding, on the same throwaway database (``manage.py bench``). The
thread measured has 200 messages (the page shows the latest 50). The send path is the real POST of the
thread page without JavaScript: lock the conversation, insert the encrypted message, update the
counters, redirect. The send rate limit is lifted for the run (a person may send 30 per 10 minutes).
"""

import datetime as dt
import random
import time

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from messaging.models import Conversation, Message
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile

from .directory import Row, _SqlTimer, production_like, time_get

EMAIL_DOMAIN = "bench-messaging.peersnet.example"
CONVERSATIONS_PER_SUPPORTER = 5
BIG_THREAD = 200


def seed_messages(*, messages: int, rng: random.Random | None = None) -> Conversation:
    """Seekers, CONVERSATIONS_PER_SUPPORTER conversations per supporter, and ``messages`` messages spread
    over them (one thread gets BIG_THREAD). Bulk inserts. Returns the big thread's conversation."""
    rng = rng or random.Random(14)
    supporters = list(
        SupporterProfile.objects.filter(conversations__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    password = make_password(None)
    emails = [
        f"seeker-{s}-{k}@{EMAIL_DOMAIN}" for s in supporters for k in range(CONVERSATIONS_PER_SUPPORTER)
    ]
    User.objects.bulk_create(
        [
            User(email=e, first_name="Sam", password=password, date_of_birth=dt.date(2000, 1, 1))
            for e in emails
        ],
        batch_size=1000,
    )
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    SeekerProfile.objects.bulk_create([SeekerProfile(user_id=users[e]) for e in emails], batch_size=1000)
    seekers = dict(SeekerProfile.objects.filter(user_id__in=users.values()).values_list("user_id", "pk"))
    Conversation.objects.bulk_create(
        [
            Conversation(
                seeker_id=seekers[users[f"seeker-{s}-{k}@{EMAIL_DOMAIN}"]],
                supporter_id=s,
                last_session_end=now + dt.timedelta(days=3),
                last_message_at=now,
            )
            for s in supporters
            for k in range(CONVERSATIONS_PER_SUPPORTER)
        ],
        batch_size=1000,
    )
    conversations = list(
        Conversation.objects.filter(supporter_id__in=supporters)
        .order_by("pk")
        .values_list("pk", "seeker__user_id", "supporter__user_id")
    )
    big = conversations[0]
    plan = [big] * BIG_THREAD + [
        rng.choice(conversations[1:] or conversations) for _ in range(max(0, messages - BIG_THREAD))
    ]
    start = now - dt.timedelta(days=60)
    batch = []
    for n, (pk, seeker_user, supporter_user) in enumerate(plan):
        seeker_side = rng.random() < 0.5
        batch.append(
            Message(
                conversation_id=pk,
                sender_id=seeker_user if seeker_side else supporter_user,
                side="seeker" if seeker_side else "supporter",
                body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))),
                sent_at=start + dt.timedelta(seconds=n),
            )
        )
        if len(batch) == 2000:
            Message.objects.bulk_create(batch)
            batch = []
    if batch:
        Message.objects.bulk_create(batch)
    Conversation.objects.filter(pk=big[0]).update(seeker_unread=0, supporter_unread=0)
    # VACUUM cannot run inside a transaction (the bench test's); statistics alone are enough there.
    vacuum = (
        "VACUUM ANALYZE"
        if connection.vendor == "postgresql" and not connection.in_atomic_block
        else "ANALYZE"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{vacuum} messaging_message")
        cursor.execute(f"{vacuum} messaging_conversation")
    return Conversation.objects.select_related("seeker__user", "supporter__user").get(pk=big[0])


WORDS = [
    "I",
    "had",
    "a",
    "week",
    "that",
    "felt",
    "long",
    "and",
    "I",
    "kept",
    "thinking",
    "about",
    "what",
    "we",
    "said",
    "on",
    "Thursday",
    "thanks",
    "again",
]


def measure_messaging(*, messages: int, repeat: int) -> tuple[list[Row], dict]:
    """Rows for the thread page (200 messages), the Messages list and the send path; and what was seeded."""
    started = time.perf_counter()
    conversation = seed_messages(messages=messages)
    seeded = {
        "messages": Message.objects.count(),
        "conversations": Conversation.objects.count(),
        "seconds": time.perf_counter() - started,
    }
    client = Client()
    client.force_login(conversation.seeker.user)
    thread = f"/messages/{conversation.pk}/"
    rows = []
    with production_like(), override_settings(MESSAGING_SEND_LIMIT=10**9):
        for name, url in (
            (f"thread page, {BIG_THREAD} messages `{thread}`", thread),
            ("Messages list `/messages/`", "/messages/"),
        ):
            timings, sql, queries, _captured = time_get(client, url, repeat=repeat)
            rows.append(Row(name, timings, queries, None, sql))
        timings, sql_timings = [], []
        for i in range(repeat + 3):
            sql = _SqlTimer()
            with connection.execute_wrapper(sql):
                t0 = time.perf_counter()
                response = client.post(thread, {"body": f"bench message {i}"})
                elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 302:
                raise RuntimeError(f"POST {thread} answered {response.status_code}")
            if i >= 3:  # warm-up
                timings.append(elapsed)
                sql_timings.append(sql.ms)
        with CaptureQueriesContext(connection) as ctx:
            client.post(thread, {"body": "counted"})
        rows.append(
            Row(f"send a message (POST `{thread}`)", timings, len(ctx.captured_queries), None, sql_timings)
        )
    return rows, seeded


def format_messaging(rows: list[Row], seeded: dict, *, repeat: int) -> str:
    lines = [
        "",
        f"Messaging: {seeded['conversations']} conversations, {seeded['messages']} messages "
        f"(seeded in {seeded['seconds']:.1f} s); {repeat} timed requests each after 3 warm-up requests",
        "",
        "| measurement | median | p95 | of which SQL (median) | queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.median_ms:.1f} ms | {row.p95_ms:.1f} ms "
            f"| {row.sql_median_ms or 0:.1f} ms | {row.queries} |"
        )
    return "\n".join(lines)
