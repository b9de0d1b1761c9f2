"""Shared fixtures. SQLite by default; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set."""

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache

# Django's live_server runs in a thread of this process while Playwright's sync API drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("PEERSNET_TEST_CLOCK"),
        help="Run the whole suite as if the clock read this ISO instant (with its offset) when it "
        "started; time then ticks on. Tests that freeze time still do. Used to prove the suite passes "
        "on any weekday and across daylight-saving changes (README: Tests on any day).",
    )


def pytest_configure(config):
    clock = config.getoption("--clock")
    if clock:
        start = dt.datetime.fromisoformat(clock)
        if start.tzinfo is None:
            raise pytest.UsageError("--clock needs an offset, e.g. 2026-12-05T10:00:00-08:00")
        config._peersnet_clock = time_machine.travel(start, tick=True)
        config._peersnet_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_peersnet_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    clock = getattr(config, "_peersnet_clock", None)
    if clock is not None:
        return f"clock moved to {config.getoption('--clock')}"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the cache (Redis in CI): every test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories make many users; the production hasher is slow on purpose. Tests don't need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run inline in tests, also when REDIS_URL points Celery at a real broker (no worker runs here)."""
    from peersnet.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """``with after_commit(): ...`` runs what the block queued for after commit (tasks run eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def stripe_down(settings, monkeypatch):
    """``with stripe_down(): ...``: Stripe unreachable for real, the API base pointing at a closed loopback
    port (connection refused). The SDK still makes its network retries, without its back-off pauses."""
    import stripe

    monkeypatch.setattr(stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda self, n: 0)

    @contextmanager
    def down():
        base = settings.STRIPE_API_BASE
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
        try:
            yield
        finally:
            settings.STRIPE_API_BASE = base

    return down


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_site_cache(settings, location: str, *, timeout: float = 0.5, prefix: str = "") -> None:
    """Point the site's cache (our fail-open Redis backend) at ``location`` for one test, with short
    timeouts, as settings.py configures it in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "peersnet.kernel.cache.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def redis_server():
    """A real redis-server of our own on a free loopback port, so a test can stop it."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test (installed on the CI machine)"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)

    class Server:
        def __init__(self):
            self.url = url

        def stop(self):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)

    server = Server()
    yield server
    server.stop()


# --- Email: a real SMTP server that a test can stop and start --------------------------------------


class Inbox:
    """What the SMTP server received: (recipients, raw message) pairs."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a fixed loopback port, which a test can stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        with pytest.raises(OSError):  # really down: nothing listens on the port
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, and Django's SMTP backend pointed at it.
    ``smtp_server.stop()`` / ``.start()`` take it down and bring it back on the same port; what it
    received is in ``smtp_server.inbox.messages``."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    if server.running:
        server.stop()


# --- Stripe: localstripe, a real local server, driven by the official SDK ------------------------


@pytest.fixture(scope="session")
def stripe_server():
    """localstripe in its own process on a free loopback port, for the whole test session."""
    import sys
    import urllib.request
    from pathlib import Path

    port = free_port()
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, str(root / "tools" / "run_localstripe.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/js.stripe.com/v3/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _stripe(stripe_server, settings):
    """Every test talks to localstripe (never the internet), starting from an empty store."""
    import urllib.request

    settings.STRIPE_API_BASE = stripe_server
    settings.STRIPE_JS_URL = stripe_server + "/js.stripe.com/v3/"
    settings.STRIPE_SECRET_KEY = "sk_test_peersnet"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_peersnet"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_peersnet_tests"
    request = urllib.request.Request(stripe_server + "/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()
    return stripe_server


# --- Browser (Playwright driving Debian's Chromium; never a downloaded browser) ---------------


@pytest.fixture(scope="session")
def browser(live_server):
    """One Chromium for the run. It asks for the live server so that it closes first: on SQLite the
    server's request threads share the test database connection, and a keep-alive connection still
    open when the server stops would close that connection from the wrong thread."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request):
    """Close every browser context a test opened, its own helpers' included. An open context keeps its
    keep-alive connections to the live server, and each one holds a server thread and that thread's
    database connection until the run ends (80 of them once, near PostgreSQL's connection limit)."""
    yield
    browser = request.node.funcargs.get("browser")
    if browser is not None:
        for context in list(browser.contexts):
            context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        timezone_id="America/Chicago",
        locale="en-US",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()
