"""A URLconf with one view that fails, for the tests of what an error report carries."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def failing_view(request, token):
    raise RuntimeError("could not save the intake of maya.lopez@example.com")


urlpatterns = [path("gift/claim/<str:token>/", failing_view)]
