"""A fixed-window rate limiter on the cache: Redis in production, so every web process shares the
counts. Used for gift links and purchases; messaging next.

With Redis unreachable a limit fails open: ``hit`` says "not over" and logs a warning (once per request),
so a Redis outage never turns a page into an error (README "Operations")."""

import time
from dataclasses import dataclass

from django.core.cache import cache as default_cache

from .cache import UNREACHABLE, CacheUnavailable, warn_unreachable


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``key`` (an IP, a user id) in each ``period`` seconds of ``scope``."""

    scope: str
    limit: int
    period: int = 60 * 60

    def hit(self, key: str, *, cache=None, now: float | None = None) -> bool:
        """Count one hit; True when it is over the limit. The counter is one atomic INCR, so racing
        requests never both slip under it. Fails open (False) when the cache can't be reached."""
        try:
            return self._hit(key, cache=cache or default_cache, now=now)
        except (CacheUnavailable, *UNREACHABLE) as exc:
            warn_unreachable(f"rate limit {self.scope}", exc)
            return False

    def _hit(self, key: str, *, cache, now: float | None) -> bool:
        window = int(now if now is not None else time.time()) // self.period
        name = f"rl:{self.scope}:{key}:{window}"
        timeout = self.period + 60  # outlives its window a little; a new window is a new key
        cache.add(name, 0, timeout=timeout)
        try:
            hits = cache.incr(name)
        except CacheUnavailable:
            raise
        except ValueError:  # expired between add and incr
            cache.add(name, 0, timeout=timeout)
            hits = cache.incr(name)
        return hits > self.limit
