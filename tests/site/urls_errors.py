"""The site's URLs plus two test-only views that fail, for the error-page tests (ROOT_URLCONF override).

``handler500`` is read from the root URLconf, so it is taken over from the site's own.
"""

from django.urls import path

from accounts.models import User
from peersnet.urls import handler500
from peersnet.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def boom_view(request):
    raise RuntimeError("a bug in a view")


def query_view(request):
    """Reads the database: fails when the test has made it unreachable."""
    User.objects.exists()
    raise AssertionError("the database was expected to be unreachable")


urlpatterns = [
    path("test/boom/", boom_view),
    path("test/query/", query_view),
    *site_urlpatterns,
]
