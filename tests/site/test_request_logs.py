"""Log lines an operator can use: timestamp, level, logger, request id (and task id in Celery), as JSON
with LOG_FORMAT=json; the request id comes from a well-formed X-Request-ID or is made, and is echoed."""

import io
import json
import logging
import logging.config
import uuid

import pytest
from celery import shared_task
from django.conf import settings as django_settings

from tests.settings_env import load_settings


@shared_task(name="tests.site.log_a_line")
def log_a_line() -> None:
    logging.getLogger("notifications.tasks").info("sweeping the outbox")


@pytest.fixture
def log_output(monkeypatch):
    """Configure logging exactly as settings.py does for a LOG_FORMAT, writing into a buffer."""

    def configure(log_format: str) -> io.StringIO:
        config = load_settings(monkeypatch, LOG_FORMAT=log_format)["LOGGING"]
        stream = io.StringIO()
        config["handlers"]["console"]["stream"] = stream
        logging.config.dictConfig(config)
        return stream

    yield configure
    logging.config.dictConfig(django_settings.LOGGING)


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_json_log_line_of_a_request_carries_timestamp_level_logger_and_the_request_id(client, log_output):
    stream = log_output("json")
    request_id = str(uuid.uuid4())

    response = client.get("/gift/claim/a-secret-claim-token/", HTTP_X_REQUEST_ID=request_id)

    assert response.status_code in (404, 429)
    assert response["X-Request-ID"] == request_id
    [line] = [line for line in json_lines(stream) if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert line["timestamp"].startswith("20") and line["timestamp"].endswith("+00:00")
    assert "/gift/claim/[token]/" in line["message"]
    assert "a-secret-claim-token" not in stream.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [None, "not-a-uuid", "0" * 200, "abc\n2026-11-30 INFO forged line"],
    ids=["absent", "not-a-uuid", "too-long", "log-injection"],
)
def test_request_id_is_made_when_absent_or_malformed_and_echoed(client, log_output, incoming):
    stream = log_output("json")
    headers = {"HTTP_X_REQUEST_ID": incoming} if incoming is not None else {}

    response = client.get("/no-such-page/", **headers)

    request_id = response["X-Request-ID"]
    assert request_id != incoming
    assert uuid.UUID(request_id).version == 4
    [line] = [line for line in json_lines(stream) if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert "forged line" not in stream.getvalue()


@pytest.mark.django_db
def test_text_log_line_is_readable_and_carries_the_same_fields(client, log_output):
    stream = log_output("text")
    request_id = uuid.uuid4().hex

    client.get("/no-such-page/", HTTP_X_REQUEST_ID=request_id)

    [line] = [line for line in stream.getvalue().splitlines() if "Not Found" in line]
    assert f" WARNING django.request [request_id={request_id} task_id=None] Not Found: /no-such-page/" in line
    assert line[:4].isdigit()  # starts with the date and time


def test_celery_task_log_lines_carry_the_task_id_and_name(log_output):
    """Run through Celery's real task tracer (eagerly, in this process: no worker runs in the tests)."""
    stream = log_output("json")

    result = log_a_line.apply()

    [line] = [line for line in json_lines(stream) if line["message"] == "sweeping the outbox"]
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.site.log_a_line"
    assert line["level"] == "INFO" and line["logger"] == "notifications.tasks"
    assert line["request_id"] is None


def test_outside_a_task_the_task_fields_are_empty(log_output):
    stream = log_output("json")
    logging.getLogger("peersnet").warning("plain line")
    [line] = json_lines(stream)
    assert line["task_id"] is None and line["request_id"] is None
