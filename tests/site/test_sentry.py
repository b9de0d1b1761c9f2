"""Error reports leave without personal data.

``scrub_event`` is tested directly on an event shaped like the ones sentry-sdk's Django integration builds;
then the whole path is run for real: a subprocess starts Django with SENTRY_DSN pointing at a local HTTP
sink started here, sends a failing POST through Django's WSGI handler (as gunicorn would), reports a
logged error and an exception, and the test reads what arrived over HTTP. Nothing is mocked.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from peersnet.sentry import scrub_breadcrumb, scrub_event

INTAKE_ANSWER = "I have been feeling hopeless since my brother died"
MESSAGE_TEXT = "Can we talk about the panic attacks on Tuesday?"
TOKEN = "qZ3x-claim-secret_9"


def realistic_event() -> dict:
    return {
        "level": "error",
        "server_name": "web-3",
        "logentry": {
            "message": "outbox: sending %s to %s failed",
            "params": ["bookings-7-confirmed", "maya.lopez@example.com"],
            "formatted": "outbox: sending bookings-7-confirmed to maya.lopez@example.com failed",
        },
        "exception": {
            "values": [
                {
                    "type": "SMTPRecipientsRefused",
                    "value": "{'maya.lopez@example.com': (550, b'no such user')}",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "intake_submit",
                                "vars": {"answers": {"why": INTAKE_ANSWER}, "body": MESSAGE_TEXT},
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": f"https://peersnet.example/gift/claim/{TOKEN}/",
            "method": "POST",
            "query_string": "next=/account/&email=maya.lopez%40example.com",
            "data": {"why": INTAKE_ANSWER, "body": MESSAGE_TEXT},
            "cookies": {"sessionid": "abc123", "csrftoken": "def456"},
            "headers": {
                "Cookie": "sessionid=abc123",
                "Authorization": "Bearer x",
                "X-Forwarded-For": "203.0.113.9",
                "Referer": f"https://peersnet.example/gift/claim/{TOKEN}/",
                "User-Agent": "Mozilla/5.0",
                "X-Request-Id": "9f0c1b9e6f3d4a3c9b1d2e3f4a5b6c7d",
            },
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_NAME": "web-3"},
        },
        "user": {"id": "42", "email": "maya.lopez@example.com", "ip_address": "203.0.113.9"},
        "extra": {"request": f"<WSGIRequest: POST '/gift/claim/{TOKEN}/'>", "status_code": 500},
        "breadcrumbs": {
            "values": [
                {"category": "django.request", "message": f"Not Found: /gift/status/{TOKEN}/"},
                {"category": "httplib", "data": {"url": "https://api.stripe.com/v1/customers?email=a%40b.c"}},
                {"category": "peersnet", "message": "password reset for jordan@example.com"},
                {"category": "django.request", "message": "GET /accounts/confirm-email/MjA:1tX:abcKEY/"},
            ]
        },
    }


def test_scrub_event_removes_personal_data_and_secrets_and_keeps_what_an_operator_needs():
    event = scrub_event(realistic_event(), {})
    text = json.dumps(event)
    for secret in (
        INTAKE_ANSWER,
        MESSAGE_TEXT,
        TOKEN,
        "maya.lopez",
        "jordan@",
        "abc123",
        "def456",
        "203.0.113.9",
        "Bearer",
        "abcKEY",
        "a%40b.c",
    ):
        assert secret not in text, secret
    # What is left still tells an operator what broke, where and for which request.
    assert event["exception"]["values"][0]["type"] == "SMTPRecipientsRefused"
    assert event["exception"]["values"][0]["value"] == "{'[email]': (550, b'no such user')}"
    assert event["exception"]["values"][0]["stacktrace"]["frames"][0]["function"] == "intake_submit"
    assert event["logentry"]["formatted"] == "outbox: sending bookings-7-confirmed to [email] failed"
    assert event["request"]["url"] == "https://peersnet.example/gift/claim/[token]/"
    assert event["request"]["method"] == "POST"
    assert event["request"]["headers"] == {
        "User-Agent": "Mozilla/5.0",
        "X-Request-Id": "9f0c1b9e6f3d4a3c9b1d2e3f4a5b6c7d",
    }
    assert event["request"]["data"] == "[Filtered]"
    assert "cookies" not in event["request"]
    assert event["user"] == {"id": "42"}
    assert event["server_name"] == "web-3"
    assert event["extra"]["status_code"] == 500


def test_scrub_breadcrumb_drops_query_strings_and_scrubs_messages():
    crumb = scrub_breadcrumb(
        {"category": "httplib", "message": "to sam@example.com", "data": {"url": "https://x.example/a?t=1"}},
        {},
    )
    assert crumb == {"category": "httplib", "message": "to [email]", "data": {"url": "https://x.example/a"}}


# --- End to end: a real sentry-sdk client sending to a local HTTP sink -------------------------


class Sink(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.envelopes: list[bytes] = []


class SinkHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_sink():
    sink = Sink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


REPORTER = f"""
import logging, sys, types
from io import BytesIO
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from django.core.wsgi import get_wsgi_application
import sentry_sdk
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

application = get_wsgi_application()  # the WSGI handler gunicorn runs, as sentry-sdk patches it


@csrf_exempt
def failing_view(request, token):
    raise RuntimeError("saving the intake failed")


urls = types.ModuleType("probe_urls")
urls.urlpatterns = [path("gift/claim/<str:token>/", failing_view)]
sys.modules["probe_urls"] = urls
body = urlencode({{"why": {INTAKE_ANSWER!r}, "body": {MESSAGE_TEXT!r}}}).encode()
environ = {{
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/gift/claim/{TOKEN}/",
    "QUERY_STRING": "email=maya.lopez%40example.com",
    "HTTP_HOST": "localhost",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": BytesIO(body),
    "HTTP_COOKIE": "csrftoken=cookie-secret-value",
    "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    "HTTP_USER_AGENT": "Mozilla/5.0 (probe)",
    "HTTP_X_REQUEST_ID": "9f0c1b9e-6f3d-4a3c-9b1d-2e3f4a5b6c7d",
}}
setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF="probe_urls"):
    application(environ, lambda status, headers, exc_info=None: statuses.append(status))
assert statuses[0].startswith("500"), statuses


def intake_submit(answers, body):
    raise ValueError("could not save intake for maya.lopez@example.com")


logging.getLogger("notifications.services").error("outbox: sending to %s failed", "maya.lopez@example.com")
try:
    intake_submit({{"why": {INTAKE_ANSWER!r}}}, {MESSAGE_TEXT!r})
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


def test_sentry_reports_sent_over_http_carry_no_personal_data(sentry_sink):
    port = sentry_sink.server_address[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peersnet.settings",
        "DEBUG": "true",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
        "SENTRY_ENVIRONMENT": "ci",
        "DATABASE_URL": "sqlite:///:memory:",  # the failing request never reaches the database
        "REDIS_URL": "",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", REPORTER], env=env, cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr

    received = b"\n".join(sentry_sink.envelopes).decode()
    events = [
        json.loads(line)
        for line in received.splitlines()
        if line.startswith("{") and ('"exception"' in line or '"logentry"' in line)
    ]
    assert len(events) == 3, received[:2000]
    for secret in (INTAKE_ANSWER, MESSAGE_TEXT, "maya.lopez", TOKEN, "cookie-secret-value", "203.0.113.9"):
        assert secret not in received
    assert {event["environment"] for event in events} == {"ci"}
    assert any(
        event.get("logentry", {}).get("formatted") == "outbox: sending to [email] failed" for event in events
    )
    [request_event] = [event for event in events if event.get("request", {}).get("url")]
    assert request_event["exception"]["values"][-1]["value"] == "saving the intake failed"
    assert request_event["request"]["url"] == "http://localhost/gift/claim/[token]/"
    assert request_event["request"]["method"] == "POST"
    assert request_event["tags"]["request_id"] == "9f0c1b9e-6f3d-4a3c-9b1d-2e3f4a5b6c7d"
    assert request_event["request"]["query_string"] == "[Filtered]"
    assert request_event["request"]["headers"]["User-Agent"] == "Mozilla/5.0 (probe)"
    assert "data" not in request_event["request"] or request_event["request"]["data"] == "[Filtered]"
    exception = next(event for event in events if "exception" in event and event is not request_event)
    assert exception["exception"]["values"][-1]["value"] == "could not save intake for [email]"
    frames = exception["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "intake_submit"
    assert not any("vars" in frame for frame in frames)


def test_scrub_event_tags_the_report_with_the_request_id_of_the_log_lines():
    from django_guid import clear_guid, set_guid

    set_guid("9f0c1b9e6f3d4a3c9b1d2e3f4a5b6c7d")
    try:
        event = scrub_event({"message": "boom"}, {})
    finally:
        clear_guid()
    assert event["tags"] == {"request_id": "9f0c1b9e6f3d4a3c9b1d2e3f4a5b6c7d"}
