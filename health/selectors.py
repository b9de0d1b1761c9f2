"""The health of each part of the system, read fresh on every call (never cached).

Every component gets a status: ``ok``; ``warn`` (degraded: look soon); ``fail`` (broken: act now); or
``unknown`` (could not be judged: the database is down, or, for the worker, beat has never sent it a
heartbeat; both come with a failed component that says why). Thresholds
come from the ``HEALTH_*`` settings; a value at or above a threshold takes that status.

Only readiness (``database_reachable``) decides whether a web process gets traffic; everything else is
for people and alerting.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from notifications.selectors import notification_outbox_stats

from .models import Heartbeat

logger = logging.getLogger(__name__)

OK, WARN, FAIL, UNKNOWN = "ok", "warn", "fail", "unknown"
_SEVERITY = {OK: 0, WARN: 1, FAIL: 2}
OUTBOX = ("outbox_backlog", "outbox_oldest", "failed_emails")
HEARTBEATS = ("beat", "worker")


@dataclass(frozen=True)
class Component:
    name: str
    status: str
    summary: str  # one sentence for staff; never sent in the JSON report
    numbers: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthReport:
    checked_at: dt.datetime
    components: list[Component]

    @property
    def status(self) -> str:
        """The worst known status; ``unknown`` parts always come beside a failed one (database or beat)."""
        known = [c.status for c in self.components if c.status in _SEVERITY]
        return max(known, key=_SEVERITY.__getitem__, default=OK)

    def as_json(self) -> dict:
        """Statuses and numbers only: no host names, URLs, error texts or anything about a person."""
        return {
            "status": self.status,
            "checked_at": self.checked_at.isoformat(),
            "components": {c.name: {"status": c.status, **c.numbers} for c in self.components},
        }


def database_reachable(alias: str = "default") -> bool:
    """``SELECT 1`` on the database: the readiness check. Logs one line (no traceback) when it fails."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        logger.warning("health: database unreachable (%s)", type(exc).__name__)
        return False
    return True


def redis_reachable(url: str) -> bool:
    """PING with one-second timeouts, so a report never hangs on a black-holed Redis."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        logger.warning("health: redis unreachable (%s)", type(exc).__name__)
        return False
    finally:
        client.close()
    return True


def _grade(value: float | None, *, warn: float, fail: float) -> str:
    if value is None:
        return OK
    if value >= fail:
        return FAIL
    if value >= warn:
        return WARN
    return OK


def _seconds_since(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def _outbox_components(now: dt.datetime) -> list[Component]:
    stats = notification_outbox_stats(
        failed_window=dt.timedelta(hours=settings.HEALTH_FAILED_EMAILS_WINDOW_HOURS), now=now
    )
    backlog_warn, backlog_fail = settings.HEALTH_OUTBOX_BACKLOG_WARN, settings.HEALTH_OUTBOX_BACKLOG_FAIL
    age_warn, age_fail = settings.HEALTH_OUTBOX_AGE_WARN_SECONDS, settings.HEALTH_OUTBOX_AGE_FAIL_SECONDS
    failed_warn, failed_fail = settings.HEALTH_FAILED_EMAILS_WARN, settings.HEALTH_FAILED_EMAILS_FAIL
    oldest = _seconds_since(stats.oldest_unsent_at, now)
    return [
        Component(
            "outbox_backlog",
            _grade(stats.unsent, warn=backlog_warn, fail=backlog_fail),
            f"{stats.unsent} email(s) waiting to be sent.",
            {"unsent": stats.unsent, "warn_at": backlog_warn, "fail_at": backlog_fail},
        ),
        Component(
            "outbox_oldest",
            _grade(oldest, warn=age_warn, fail=age_fail),
            "No email is waiting."
            if oldest is None
            else f"The oldest unsent email has waited {oldest} s (the sweep sends anything older than 60 s).",
            {"oldest_unsent_seconds": oldest, "warn_after_seconds": age_warn, "fail_after_seconds": age_fail},
        ),
        Component(
            "failed_emails",
            _grade(stats.failed_recently, warn=failed_warn, fail=failed_fail),
            f"{stats.failed_recently} email(s) gave up after every attempt in the last "
            f"{settings.HEALTH_FAILED_EMAILS_WINDOW_HOURS} h (see Notifications, status Failed).",
            {
                "failed": stats.failed_recently,
                "window_hours": settings.HEALTH_FAILED_EMAILS_WINDOW_HOURS,
                "warn_at": failed_warn,
                "fail_at": failed_fail,
            },
        ),
    ]


def _heartbeat_components(now: dt.datetime) -> list[Component]:
    rows = {row.name: row for row in Heartbeat.objects.all()}
    beat, worker = rows.get(Heartbeat.Name.BEAT), rows.get(Heartbeat.Name.WORKER)
    beat_warn, beat_fail = settings.HEALTH_BEAT_WARN_SECONDS, settings.HEALTH_BEAT_FAIL_SECONDS
    worker_warn, worker_fail = settings.HEALTH_WORKER_WARN_SECONDS, settings.HEALTH_WORKER_FAIL_SECONDS

    beat_age = _seconds_since(beat.at if beat else None, now)
    beat_numbers = {
        "last_run_seconds": beat_age,
        "warn_after_seconds": beat_warn,
        "fail_after_seconds": beat_fail,
    }
    if beat_age is None:
        beat_component = Component(
            "beat", FAIL, "Beat has never sent a heartbeat: is it running?", beat_numbers
        )
    else:
        beat_component = Component(
            "beat",
            _grade(beat_age, warn=beat_warn, fail=beat_fail),
            f"Beat last sent a heartbeat {beat_age} s ago "
            f"(it sends one every {settings.HEALTH_HEARTBEAT_SECONDS} s).",
            beat_numbers,
        )

    waiting = None if worker is None else (_seconds_since(worker.waiting_since, now) or 0)
    worker_numbers = {
        "waiting_seconds": waiting,
        "last_run_seconds": _seconds_since(worker.at if worker else None, now),
        "warn_after_seconds": worker_warn,
        "fail_after_seconds": worker_fail,
    }
    if worker is None:
        summary = "No heartbeat has been sent yet, so the workers cannot be judged."
        worker_component = Component("worker", UNKNOWN, summary, worker_numbers)
    else:
        summary = (
            "Workers have run every heartbeat beat sent."
            if worker.waiting_since is None
            else f"A heartbeat sent {waiting} s ago has not been run by any worker."
        )
        worker_component = Component(
            "worker", _grade(waiting, warn=worker_warn, fail=worker_fail), summary, worker_numbers
        )
    return [beat_component, worker_component]


def _unknown(name: str) -> Component:
    return Component(name, UNKNOWN, "Not checked: the database is unreachable.")


def health_report(*, now: dt.datetime | None = None) -> HealthReport:
    """Check every component now. A handful of small queries and, with Redis configured, one PING.

    Redis, beat and the worker are reported only when ``REDIS_URL`` is set; without it tasks run inline
    and none of them exists.
    """
    now = now or timezone.now()
    queued = bool(settings.REDIS_URL)
    components = []
    db_ok = database_reachable()
    components.append(
        Component("database", OK if db_ok else FAIL, "Reachable." if db_ok else "Unreachable: pages fail.")
    )
    if queued:
        redis_ok = redis_reachable(settings.REDIS_URL)
        components.append(
            Component(
                "redis",
                OK if redis_ok else FAIL,
                "Reachable."
                if redis_ok
                else "Unreachable: tasks wait, email goes out once it is back; pages still work.",
            )
        )
    parts = [(OUTBOX, _outbox_components)] + ([(HEARTBEATS, _heartbeat_components)] if queued else [])
    for names, read in parts:
        if not db_ok:
            components.extend(_unknown(name) for name in names)
            continue
        try:
            components.extend(read(now))
        except DatabaseError as exc:  # e.g. a migration not applied yet: say so instead of answering 500
            logger.warning("health: could not read %s (%s)", ", ".join(names), type(exc).__name__)
            components.extend(
                Component(name, FAIL, f"Could not be read ({type(exc).__name__}).") for name in names
            )
    return HealthReport(checked_at=now, components=components)
