"""The site's Redis cache backend keeps one ``redis.Redis`` per connection pool (peersnet.kernel.cache):
building one per call cost ~0.17 ms each, 2–3 ms of a directory page. Against a real redis-server."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from tests.conftest import use_site_cache


@pytest.fixture
def redis_cache(redis_server, settings):
    use_site_cache(settings, redis_server.url, prefix="peersnet-client")
    return cache


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is client
    redis_cache.set("greeting", "hello")
    assert redis_cache.get("greeting") == "hello"
    assert redis_cache._cache.get_client("c") is client


def test_the_shared_client_is_safe_across_threads(redis_cache):
    """Each command takes its own connection from the pool: sixteen threads writing and reading their own
    keys at once each get their own value back."""

    def round_trip(i: int) -> bool:
        ok = True
        for n in range(50):
            redis_cache.set(f"thread:{i}", f"{i}-{n}")
            ok &= redis_cache.get(f"thread:{i}") == f"{i}-{n}"
        return ok

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert all(pool.map(round_trip, range(16)))
