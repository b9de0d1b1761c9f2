import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from peersnet.views import PAGES
from tests.factories import SeekerFactory

pytestmark = pytest.mark.django_db

ALL_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "supporters:directory",
    "pages:become_a_supporter",  # a workforce view (it lists the training cohorts), not a static page
] + [f"pages:{name}" for name in PAGES]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_shows_crisis_line_and_emergency_number(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="tel:988"' in body
    assert 'href="sms:988"' in body
    assert 'href="tel:911"' in body
    assert "Skip to main content" in body
    assert "Weekdays 10am–5pm Pacific time; closed on weekends" in body


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_loads_no_third_party_code(client, name):
    body = client.get(reverse(name)).content.decode()
    for marker in ('<script src="http', '<link rel="stylesheet" href="http', "googletagmanager", "analytics"):
        assert marker not in body
    assert "style=" not in body  # the CSP allows no inline styles


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_header_shows_account_link_when_signed_in(client):
    assert "Sign up" in client.get(reverse("home")).content.decode()
    client.force_login(SeekerFactory().user)
    body = client.get(reverse("home")).content.decode()
    assert reverse("accounts:home") in body
    assert "Sign up</a>" not in body


def test_page_facts_match_policy(client):
    assert "$65" in client.get(reverse("pages:pricing")).content.decode()
    assert "insurance" in client.get(reverse("pages:pricing")).content.decode().lower()
    become = client.get(reverse("pages:become_a_supporter")).content.decode()
    assert "80 hours" in become and "8 weeks" in become and "5 hours" in become


def test_unknown_page_is_404(client):
    assert client.get("/no-such-page/").status_code == 404


def test_viewer_time_zone_comes_from_the_account_then_the_browser(client, rf):
    from django.utils import timezone

    from accounts.middleware import TimezoneMiddleware

    seen = {}

    def view(request):
        seen["tz"] = timezone.get_current_timezone_name()
        from django.http import HttpResponse

        return HttpResponse()

    middleware = TimezoneMiddleware(view)
    request = rf.get("/")
    request.COOKIES["tz"] = "Asia%2FTokyo"  # as the browser's site.js writes it
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    middleware(request)
    assert seen["tz"] == "Asia/Tokyo"
    request.COOKIES["tz"] = "Not/AZone"
    middleware(request)
    assert seen["tz"] == "America/Los_Angeles"
    request.user = SeekerFactory(user__time_zone="Europe/London").user
    request.COOKIES["tz"] = "Asia/Tokyo"
    middleware(request)
    assert seen["tz"] == "Europe/London"


def test_healthz_reports_database(client):
    response = client.get(reverse("health:ready"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_stays_ready_with_a_stopped_redis_and_the_report_says_so(client, redis_server):
    """Readiness asks only the database (issue 9): Redis down must not take every web node out."""
    with override_settings(REDIS_URL=redis_server.url):
        assert client.get(reverse("health:report")).json()["components"]["redis"]["status"] == "ok"
        redis_server.stop()
        response = client.get(reverse("health:ready"))
        report = client.get(reverse("health:report")).json()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert report["components"]["redis"]["status"] == "fail"


def test_check_deploy_passes_with_production_environment():
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 64 + "-production-like-secret-for-the-check",
        "ALLOWED_HOSTS": "peersnet.example",
        "SITE_URL": "https://peersnet.example",
        "DATABASE_URL": "sqlite:////tmp/peersnet-check.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
        "STRIPE_SECRET_KEY": "sk_live_placeholder",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_placeholder",
        "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
        "FIELD_ENCRYPTION_KEYS": "tVbV2ia9mmwXbJ1GDU3xgqSuzKu5PxOZI6m-7Xy7qVU=",  # required (peersnet.E004)
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_stripe_keys_are_missing():
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "y" * 64 + "-another-production-like-secret",
        "ALLOWED_HOSTS": "peersnet.example",
        "DATABASE_URL": "sqlite:////tmp/peersnet-check.sqlite3",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "payments.W001" in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='peersnet.settings';django.setup()",
        ],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
