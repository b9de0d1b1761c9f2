"""The timeouts fit together (README "Operations", "Timeouts"), and the busy page is one of ours."""

import runpy
from pathlib import Path

from django.conf import settings
from django.db import OperationalError

from peersnet.celery import app
from peersnet.middleware import busy_reason, busy_response
from tests.site.test_error_pages import assert_branded

GUNICORN = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))


def test_every_limit_on_a_request_is_shorter_than_gunicorns():
    """A slow dependency answers a page before gunicorn kills the worker."""
    worst_stripe_call = settings.STRIPE_TIMEOUT_SECONDS * (1 + settings.STRIPE_MAX_NETWORK_RETRIES) + 1
    assert worst_stripe_call < GUNICORN["timeout"]
    assert settings.DB_LOCK_TIMEOUT_MS < settings.DB_STATEMENT_TIMEOUT_MS < GUNICORN["timeout"] * 1000
    assert settings.CACHE_TIMEOUT_SECONDS <= 1
    assert GUNICORN["graceful_timeout"] >= GUNICORN["timeout"]  # a request in flight may finish on deploy
    assert 0 < GUNICORN["max_requests_jitter"] < GUNICORN["max_requests"]


def test_every_task_has_a_time_limit_and_the_long_ones_their_own():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and soft < hard, name
    roll = app.tasks["supporters.tasks.roll_slot_horizon"]
    assert roll.soft_time_limit > app.conf.task_soft_time_limit


def test_the_busy_page_is_calm_branded_and_asks_to_come_back():
    response = busy_response()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.content.decode()
    assert_branded(body)
    assert "please try again in a moment" in body


def test_only_waiting_errors_are_busy():
    assert busy_reason(OperationalError("database is locked")) == "database locked"  # SQLite
    assert busy_reason(OperationalError("connection refused")) is None
    assert busy_reason(ValueError("nope")) is None
