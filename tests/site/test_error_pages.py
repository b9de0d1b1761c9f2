"""Error pages: ours, with the crisis line, the header and a way home; the 500 page needs no database."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from peersnet.error_views import server_error_view
from tests.conftest import free_port
from tests.factories import SeekerFactory
from tests.supporters.factories import SupporterFactory

CRISIS = ('href="tel:988"', 'href="sms:988"', 'href="tel:911"')


@pytest.fixture
def production_errors(settings):
    """DEBUG off (Django's technical pages only appear in debug) and the test URLs that fail."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.site.urls_errors"


def assert_branded(body: str) -> None:
    for marker in CRISIS:
        assert marker in body
    assert 'class="site-header"' in body  # the header and its navigation
    assert 'href="/"' in body  # a way home
    assert "Skip to main content" in body


@contextlib.contextmanager
def database_unreachable():
    """Make the database really unreachable for this thread's connection.

    PostgreSQL: the connection is closed and pointed at a loopback port where nothing listens, so every
    query fails to connect, as in an outage. SQLite's in-memory test database can't be closed without
    losing it (Django ignores the close), so there every statement is refused by an execute wrapper
    instead: the only stand-in in this file, used when the suite runs without DATABASE_URL.
    """
    if connection.vendor == "postgresql":
        original = connection.settings_dict
        connection.close()
        connection.settings_dict = {**original, "HOST": "127.0.0.1", "PORT": str(free_port())}
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict = original
    else:

        def refuse(execute, sql, params, many, context):
            raise OperationalError("unable to open database file")

        with connection.execute_wrapper(refuse):
            yield


@pytest.mark.django_db
def test_404_is_ours_with_the_crisis_line(client, production_errors):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert_branded(body)
    assert "We couldn't find that page" in body
    assert "Not Found" not in body


@pytest.mark.django_db
def test_404_for_a_signed_in_seeker_keeps_their_header(client, production_errors):
    client.force_login(SeekerFactory().user)
    body = client.get("/no-such-page/").content.decode()
    assert_branded(body)
    assert "My account" in body


@pytest.mark.django_db
def test_403_is_ours_with_the_crisis_line(client, production_errors):
    """The admin refuses a signed-in seeker with a 403: our page, not a bare one."""
    client.force_login(SeekerFactory().user)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    body = response.content.decode()
    assert_branded(body)
    assert "This page isn't open to you" in body


@pytest.mark.django_db
def test_400_is_ours_with_the_crisis_line(client, production_errors):
    """A request for a host we don't serve is a 400 (DisallowedHost)."""
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert_branded(body)
    assert "We couldn't read that request" in body


@pytest.mark.django_db
def test_stale_form_gets_our_calm_csrf_page_and_nothing_happens(production_errors):
    SeekerFactory(user__email="maya@example.com")
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("account_login"))  # a real page sets the cookie; the form's token is not sent
    response = client.post(reverse("account_login"), {"login": "maya@example.com", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert_branded(body)
    assert "This page was open too long" in body
    assert "go back, reload the page, and try again" in body
    assert "CSRF token" not in body and "Forbidden" not in body and "CSRF verification" not in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_500_is_ours_with_the_crisis_line(production_errors):
    client = Client(raise_request_exception=False)
    response = client.get("/test/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert_branded(body)
    assert "Something went wrong on our side" in body
    assert "a bug in a view" not in body and "Traceback" not in body


@pytest.mark.django_db(transaction=True)
def test_500_page_renders_with_the_database_down(production_errors):
    """A view's query fails because the database is unreachable; the 500 page still comes, with 988."""
    client = Client(raise_request_exception=False)
    with database_unreachable():
        with pytest.raises(OperationalError), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        response = client.get("/test/query/")
    assert response.status_code == 500
    body = response.content.decode()
    assert_branded(body)
    assert "Log in" in body  # the header's signed-out links need no lookup


@pytest.mark.django_db(transaction=True)
def test_500_page_renders_with_the_database_down_for_a_signed_in_person(production_errors):
    """The session row can't be read either: the page still renders (signed-out header), no 500 loop."""
    client = Client(raise_request_exception=False)
    client.force_login(SupporterFactory().user)
    with database_unreachable():
        response = client.get("/test/query/")
    assert response.status_code == 500
    assert_branded(response.content.decode())


def test_500_handler_makes_no_queries(rf, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = server_error_view(rf.get("/"))
    assert response.status_code == 500
    assert_branded(response.content.decode())
