"""The probes as a load balancer or orchestrator calls them: liveness, readiness, the component report."""

import json
import logging

import pytest
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROBE_PATHS = ["/healthz/live", "/healthz", "/healthz/report"]


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_answers_while_the_database_is_unreachable(client, unreachable_database):
    assert client.get(reverse("health:live")).status_code == 200


def test_readiness_is_200_when_the_database_answers(client):
    response = client.get(reverse("health:ready"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readiness_is_503_when_the_database_is_unreachable(client, unreachable_database):
    """A real connection attempt to a closed port (PostgreSQL) or an unopenable file (SQLite)."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "fail"}


@pytest.mark.parametrize("path", PROBE_PATHS)
def test_probes_are_never_cached(client, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PROBE_PATHS)
def test_probes_answer_head_and_refuse_post(client, path):
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_probe_with_a_trailing_slash_is_the_same_probe(client):
    assert client.get("/healthz/live/").json() == {"status": "ok"}


@pytest.mark.parametrize("path", PROBE_PATHS)
def test_probe_with_an_unknown_host_is_answered_and_logs_nothing(client, settings, log_records, path):
    """The load balancer probes a pod by its IP: no DisallowedHost error (and no traceback) per probe."""
    settings.ALLOWED_HOSTS = ["peersnet.example"]
    response = client.get(path, HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert [r.getMessage() for r in log_records if r.levelno >= logging.WARNING] == []

    # The same Host on a page is refused and logged: the catcher above does see such errors.
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400
    assert any(r.exc_info and r.exc_info[0] is DisallowedHost for r in log_records)


@pytest.mark.parametrize("path", PROBE_PATHS)
def test_plain_http_probe_is_not_redirected_to_https(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code == 200
    assert client.get("/").status_code == 301  # pages still are


def test_redirect_exemption_holds_even_without_the_probe_middleware(client, settings):
    """SECURE_REDIRECT_EXEMPT is the second line: if the middleware moves, probes still aren't redirected."""
    settings.SECURE_SSL_REDIRECT = True
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "health.middleware.HealthProbeMiddleware"]
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_probe_middleware_comes_first():
    assert settings.MIDDLEWARE[0] == "health.middleware.HealthProbeMiddleware"


def test_report_carries_statuses_and_numbers_only(client):
    """Safe to expose: no host names, ports, URLs, database names or error texts in the report."""
    with override_settings(REDIS_URL="redis://:s3cret-password@127.0.0.1:1/0"):
        response = client.get(reverse("health:report"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "fail"  # Redis on port 1 is down (and beat never ran)
    for name, component in data["components"].items():
        assert component["status"] in {"ok", "warn", "fail", "unknown"}, name
        for key, value in component.items():
            assert key == "status" or value is None or isinstance(value, int), (name, key, value)
    body = json.dumps(data)
    for secret in ("s3cret", "127.0.0.1", settings.DATABASES["default"]["NAME"], "Error", "redis://"):
        assert str(secret) not in body
