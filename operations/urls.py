from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("staff/dashboard/", views.dashboard_view, name="dashboard"),
]
