"""Exactly one beat: a scheduler that sends periodic tasks only while it holds a lock in Redis.

Two beats would queue every periodic task twice (each task is safe to run twice, but that is work done
twice and, during a long deploy overlap, a doubled load). The lock is a Redis key with a time to live
(``BEAT_LOCK_TTL_SECONDS``) holding a token of this process: the beat that holds it renews it on every
tick (at least every third of the TTL) and sends the due tasks; any other beat logs "another beat holds
the lock" and checks again a few times per TTL. When the holder stops cleanly it releases the key and
another beat takes over within a tick; when it is killed (or its host is lost) the key expires and
another beat takes over within the TTL. A holder that finds its key gone or taken (it stalled longer
than the TTL) stops sending at once and waits like the others.

While Redis can't be reached the holder carries on (nobody else can take the lock, and its sends fail
until Redis is back, which the health report shows) and a waiting beat keeps waiting. Without Redis (the
in-memory broker of development) there is nothing to coordinate and beat runs as Celery's own.
"""

import logging
import time

import redis
from celery.beat import PersistentScheduler
from django.conf import settings
from redis.exceptions import LockError, LockNotOwnedError, RedisError

logger = logging.getLogger(__name__)

LOCK_KEY = "peersnet:beat-lock"


class LockedScheduler(PersistentScheduler):
    """Celery's PersistentScheduler (last-run times in the ``--schedule`` file), gated by the beat lock."""

    # How often a waiting beat logs that it is waiting (it checks more often).
    WAIT_LOG_EVERY = 300.0

    def __init__(self, *args, **kwargs) -> None:
        self._lock = None
        self._holding = False
        self._last_wait_log = float("-inf")
        self.lock_ttl = float(settings.BEAT_LOCK_TTL_SECONDS)
        super().__init__(*args, **kwargs)
        url = self.app.conf.broker_url or ""
        if url.startswith(("redis://", "rediss://", "unix://")):
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            self._lock = client.lock(LOCK_KEY, timeout=self.lock_ttl, blocking=False, thread_local=False)
        else:
            logger.info(
                "beat lock: the broker is not Redis (%s): running without a lock", url.split(":", 1)[0]
            )

    @property
    def holding(self) -> bool:
        return self._lock is None or self._holding

    def _hold_lock(self) -> bool:
        """True while this beat holds the lock (renewed now); takes it when it is free."""
        if self._lock is None:
            return True
        try:
            if self._holding:
                try:
                    self._lock.reacquire()  # back to the full TTL
                    return True
                except LockNotOwnedError:
                    self._holding = False
                    logger.warning("beat lock lost (it expired or another beat took it): no longer sending")
            if self._lock.acquire(blocking=False):
                self._holding = True
                logger.info("beat lock acquired: this beat sends the periodic tasks")
                return True
        except RedisError:
            logger.warning(
                "beat lock: Redis can't be reached; %s",
                "carrying on as the holder" if self._holding else "waiting",
                exc_info=True,
            )
            return self._holding
        now = time.monotonic()
        if now - self._last_wait_log >= self.WAIT_LOG_EVERY:
            self._last_wait_log = now
            logger.info("another beat holds the lock; waiting until it is free (checked every few seconds)")
        return False

    def tick(self, *args, **kwargs) -> float:
        if not self._hold_lock():
            return max(0.5, self.lock_ttl / 6)
        interval = super().tick(*args, **kwargs)
        return min(interval or 0.0, self.lock_ttl / 3)

    def close(self) -> None:
        super().close()
        if self._lock is not None and self._holding:
            try:
                self._lock.release()
                logger.info("beat lock released")
            except (LockError, RedisError):
                logger.warning("beat lock: could not release it; it expires by itself", exc_info=True)
            self._holding = False
