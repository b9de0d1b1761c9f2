"""Redis stopped: login, sign-up, password reset, the directory and a gift claim link answer as usual
(issue #11, item 2). The cache points at a real redis-server of the test's own, which the test stops;
rate limits then fail open and say so once per request at WARNING."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from giftcards.models import Gift
from giftcards.tokens import token_new
from peersnet.kernel.ratelimit import RateLimit
from tests.conftest import use_site_cache
from tests.factories import PASSWORD, GiftFactory, UserFactory

pytestmark = [pytest.mark.fault, pytest.mark.django_db]

SIGNUP = {
    "first_name": "Alex",
    "email": "alex@example.com",
    "password1": "calm-river-stones-42",
    "password2": "calm-river-stones-42",
    "date_of_birth": "2002-03-04",
    "time_zone": "America/Chicago",
    "agree_terms": "on",
}
CACHE_LOGGER = "peersnet.kernel.cache"


@pytest.fixture
def stopped_redis(redis_server, settings):
    """The site's cache on a real redis-server that worked a moment ago and is now stopped."""
    use_site_cache(settings, redis_server.url, prefix="peersnet-fault")
    cache.set("alive", "yes")
    assert cache.get("alive") == "yes"  # really on that server
    redis_server.stop()
    return redis_server


def warnings_of(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == CACHE_LOGGER and r.levelno == logging.WARNING]


def test_login_works_and_warns_once_while_redis_is_down(client, stopped_redis, caplog):
    user = UserFactory(email="calm@example.com")
    caplog.set_level(logging.DEBUG, logger=CACHE_LOGGER)
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    assert client.get(reverse("accounts:home")).status_code == 200  # signed in: the session is in the DB
    warnings = warnings_of(caplog)
    assert len(warnings) == 1  # the login POST: once, however many rate limits it checked
    assert "Redis unreachable" in warnings[0].getMessage()
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert len(warnings_of(caplog)) == 2  # and once for the next request, within the 2 s without retrying


def test_a_wrong_password_is_still_refused_while_redis_is_down(client, stopped_redis):
    user = UserFactory(email="calm@example.com")
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302  # not signed in


def test_signup_works_while_redis_is_down(client, stopped_redis, caplog, mailoutbox):
    caplog.set_level(logging.WARNING, logger=CACHE_LOGGER)
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert User.objects.filter(email="alex@example.com").exists()
    assert warnings_of(caplog)


def test_password_reset_works_while_redis_is_down(client, stopped_redis, caplog):
    UserFactory(email="calm@example.com")
    caplog.set_level(logging.WARNING, logger=CACHE_LOGGER)
    assert client.get(reverse("account_reset_password")).status_code == 200
    response = client.post(reverse("account_reset_password"), {"email": "calm@example.com"})
    assert response.status_code == 302
    assert warnings_of(caplog)


def test_directory_and_a_gift_claim_link_work_while_redis_is_down(client, stopped_redis, caplog):
    caplog.set_level(logging.WARNING)
    assert client.get(reverse("supporters:directory")).status_code == 200
    raw, hashed = token_new()
    GiftFactory(status=Gift.Status.DELIVERED, token_hash=hashed)
    response = client.get(reverse("giftcards:claim_link", args=[raw]))  # rate-limited per IP
    assert response.status_code == 302 and response.url == reverse("giftcards:claim")
    page = client.get(response.url)
    assert page.status_code == 200 and "A gift from Sam Lee" in page.content.decode()
    assert any(r.name == CACHE_LOGGER and r.levelno == logging.WARNING for r in caplog.records)


def test_our_rate_limit_fails_open_while_redis_is_down(stopped_redis):
    limit = RateLimit("fault-test", limit=1, period=60)
    assert [limit.hit("10.0.0.1") for _ in range(3)] == [False, False, False]


def test_our_rate_limit_counts_again_when_redis_is_up(redis_server, settings):
    """The same backend, with its server running, still limits."""
    use_site_cache(settings, redis_server.url)
    limit = RateLimit("fault-test", limit=1, period=60)
    assert [limit.hit("10.0.0.1") for _ in range(3)] == [False, True, True]
