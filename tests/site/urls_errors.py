"""The site's URLs plus test-only views that fail, for the error-page tests (ROOT_URLCONF override).

``handler500`` is read from the root URLconf, so it is taken over from the site's own.
"""

import threading

from django.core.signals import request_finished
from django.db import connection
from django.urls import path

from accounts.models import User
from peersnet.urls import handler500
from peersnet.urls import urlpatterns as site_urlpatterns
from tests.conftest import free_port

__all__ = ["handler500", "urlpatterns"]


def boom_view(request):
    raise RuntimeError("a bug in a view")


def query_view(request):
    """Reads the database: fails when the test has made it unreachable."""
    User.objects.exists()
    raise AssertionError("the database was expected to be unreachable")


def database_down_view(request):
    """The database goes away in the middle of this request (PostgreSQL only: SQLite's shared in-memory
    test database can't be taken away from one thread).

    This thread's connection is closed and pointed at a loopback port where nothing listens, so the
    view's query fails and so would any query the 500 page tried; it is pointed back once this request
    has finished.
    """
    if connection.vendor == "postgresql":
        original, me = connection.settings_dict, threading.get_ident()
        connection.close()
        connection.settings_dict = {**original, "HOST": "127.0.0.1", "PORT": str(free_port())}

        def restore(**kwargs):
            if threading.get_ident() != me:  # another request (a stylesheet) finishing first
                return
            request_finished.disconnect(restore)
            connection.close()
            connection.settings_dict = original

        request_finished.connect(restore, weak=False)
    User.objects.exists()
    raise RuntimeError("the database was expected to be unreachable")


urlpatterns = [
    path("test/boom/", boom_view),
    path("test/query/", query_view),
    path("test/database-down/", database_down_view),
    *site_urlpatterns,
]
