"""The rate limiter against a real Redis of its own (the production cache backend)."""

import pytest
from django.core.cache.backends.redis import RedisCache

from peersnet.kernel.ratelimit import RateLimit
from tests.concurrency import race


@pytest.fixture
def redis_cache(redis_server):
    cache = RedisCache(redis_server.url, {})
    yield cache
    cache.clear()


def test_rate_limit_allows_the_limit_then_refuses_until_the_next_window(redis_cache):
    limit = RateLimit("test:claim", limit=3, period=3600)
    start = 1_800_000_000 // 3600 * 3600  # the start of a window
    assert [limit.hit("1.2.3.4", cache=redis_cache, now=start + i) for i in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert limit.hit("5.6.7.8", cache=redis_cache, now=start) is False  # counted per key
    assert RateLimit("test:other", 3, 3600).hit("1.2.3.4", cache=redis_cache, now=start) is False  # per scope
    assert limit.hit("1.2.3.4", cache=redis_cache, now=start + 3600) is False  # a new window


def test_rate_limit_counts_racing_requests_exactly(redis_cache):
    """Thirty requests at the same instant, each in its own thread: exactly the limit get through."""
    limit = RateLimit("test:race", limit=10, period=3600)
    results = race([lambda: limit.hit("9.9.9.9", cache=redis_cache) for _ in range(30)])
    assert results.count(False) == 10 and results.count(True) == 20


def test_rate_limit_keys_expire_after_their_window(redis_cache):
    RateLimit("test:ttl", limit=1, period=60).hit("1.1.1.1", cache=redis_cache)
    (key,) = redis_cache._cache.get_client().keys("*rl:test:ttl*")
    assert 0 < redis_cache._cache.get_client().ttl(key) <= 120
