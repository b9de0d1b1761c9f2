"""The site's URLconf plus one view that fails, for the tests of what an error report carries (the
500 page links to the site's pages, so their names must resolve here too)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from peersnet.urls import handler500  # noqa: F401 - the site's own 500 page
from peersnet.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def failing_view(request, token):
    raise RuntimeError("could not save the intake of maya.lopez@example.com")


urlpatterns = [path("gift/claim/<str:token>/", failing_view), *site_urlpatterns]
