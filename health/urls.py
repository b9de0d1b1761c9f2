from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("healthz", views.ready_view, name="ready"),
    path("healthz/live", views.live_view, name="live"),
    path("healthz/report", views.report_view, name="report"),
]
