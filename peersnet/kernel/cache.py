"""The cache degrades instead of failing: a Redis cache backend whose operations, when Redis can't be
reached, behave as a miss (README "Operations", "Timeouts").

Everything that uses ``django.core.cache`` (allauth's rate limits, our ``kernel.ratelimit``) then fails
open while Redis is down: login, sign-up and password reset keep working, without rate limits, instead of
answering 500. Sessions live in the database (Django's default ``SESSION_ENGINE``), never in the cache.

The first failure of each request is logged at WARNING (later ones at DEBUG); outside a request (a Celery
task, a shell) at most once a minute per process. After a failure the backend does not try Redis again for
``RETRY_AFTER`` seconds, so a Redis host that doesn't answer costs one connect timeout, not one per call.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_started

logger = logging.getLogger(__name__)

#: What "Redis can't be reached" looks like from redis-py (a refused or dropped connection, a timeout).
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class CacheUnavailable(ValueError):
    """``incr``/``decr`` on an unreachable cache. A ``ValueError``, like a missing key, so code written for
    Django's cache contract treats it as a miss; ``kernel.ratelimit`` tells it apart to fail open."""


class _Warnings(threading.local):
    request = 0  # which request of this thread last logged a warning
    at = 0.0  # when a warning was last logged outside requests


_current_request = threading.local()
_warned = _Warnings()


def _new_request(**_kwargs) -> None:
    _current_request.number = getattr(_current_request, "number", 0) + 1


request_started.connect(_new_request, dispatch_uid="peersnet.kernel.cache.new_request")


def warn_unreachable(what: str, exc: BaseException) -> None:
    """Log that ``what`` (the cache, a rate limit) runs without Redis: WARNING once per request, once a
    minute outside requests; DEBUG otherwise. The text names the error type only (no address)."""
    number = getattr(_current_request, "number", 0)
    now = time.monotonic()
    if number and number != _warned.request:
        _warned.request = number
        level = logging.WARNING
    elif not number and now - _warned.at >= 60:
        _warned.at = now
        level = logging.WARNING
    else:
        level = logging.DEBUG
    logger.log(level, "%s: Redis unreachable (%s); carrying on without it", what, type(exc).__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool instead of making one
    for every cache call. ``redis.Redis.__init__`` builds its table of response callbacks each time (about
    80 dictionary entries), which cost ~0.17 ms per call: 2–3 ms of a directory page that makes 16 cache
    calls. A ``redis.Redis`` is safe to share between threads (each command takes its own connection from
    the pool), so sharing it changes nothing else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, where an unreachable Redis is a miss: reads return the default, writes do
    nothing (``add`` says True, as for a missing key), ``incr``/``decr`` raise :class:`CacheUnavailable`.
    Give it short ``socket_connect_timeout``/``socket_timeout`` OPTIONS (settings.py does)."""

    RETRY_AFTER = 2.0  # seconds without trying Redis after a failure

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0
        self._last_error: BaseException = redis.exceptions.ConnectionError()

    def _guard(self, fallback, name: str, *args):
        """``RedisCache.<name>(*args)``, or ``fallback()`` when Redis is unreachable (or was, just now)."""
        if time.monotonic() < self._down_until:
            warn_unreachable("cache", self._last_error)
            return fallback()
        try:
            return getattr(super(), name)(*args)
        except UNREACHABLE as exc:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            self._last_error = exc
            warn_unreachable("cache", exc)
            return fallback()

    @staticmethod
    def _unavailable():
        raise CacheUnavailable("the cache is unreachable")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A miss: the key isn't there, so "added". allauth's rate-limit lock and its TOTP replay guard take
        # that as a go-ahead (they fail open too); anything needing real mutual exclusion uses the database.
        return self._guard(lambda: True, "add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(lambda: default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: None, "set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(lambda: False, "delete", key, version)

    def get_many(self, keys, version=None):
        return self._guard(dict, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._guard(lambda: False, "has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._guard(self._unavailable, "incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list, "set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(lambda: None, "delete_many", keys, version)

    def clear(self):
        return self._guard(lambda: False, "clear")
