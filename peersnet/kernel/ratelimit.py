"""A fixed-window rate limiter on the cache: Redis in production, so every web process shares the
counts. Used for gift links and purchases; messaging next."""

import time
from dataclasses import dataclass

from django.core.cache import cache as default_cache


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``key`` (an IP, a user id) in each ``period`` seconds of ``scope``."""

    scope: str
    limit: int
    period: int = 60 * 60

    def hit(self, key: str, *, cache=None, now: float | None = None) -> bool:
        """Count one hit; True when it is over the limit. The counter is one atomic INCR, so racing
        requests never both slip under it."""
        cache = cache or default_cache
        window = int(now if now is not None else time.time()) // self.period
        name = f"rl:{self.scope}:{key}:{window}"
        timeout = self.period + 60  # outlives its window a little; a new window is a new key
        cache.add(name, 0, timeout=timeout)
        try:
            hits = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 0, timeout=timeout)
            hits = cache.incr(name)
        return hits > self.limit
