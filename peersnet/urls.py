from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from workforce.views.training import become_a_supporter_view

from . import views

page_patterns = [
    path(url, views.page_view, {"name": name}, name=name) for name, (url, _title) in views.PAGES.items()
] + [
    # Shows the coming cohorts from the database, so it is a workforce view; the name stays "pages:…".
    path("become-a-supporter/", become_a_supporter_view, name="become_a_supporter"),
]

urlpatterns = [
    path("", views.home_view, name="home"),
    path("", include("health.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("account/data/", include("privacy.urls")),
    path("supporters/", include("supporters.urls")),
    path("match/", include("matching.urls")),
    path("", include("bookings.urls")),
    path("", include("messaging.urls")),
    path("", include("seekers.urls")),
    path("", include("payments.urls")),
    path("", include("giftcards.urls")),
    path("waitlist/", include("waitlist.urls")),
    path("feedback/", include("sitefeedback.urls")),
    path("", include("safety.urls")),
    path("", include("workforce.urls")),
    path("", include("operations.urls")),
    path("", include((page_patterns, "pages"))),
]

if settings.DEBUG:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

# The 500 page renders without the database or the session (peersnet/error_views.py); 400, 403 and 404
# are Django's handlers with our templates.
handler500 = "peersnet.error_views.server_error_view"
