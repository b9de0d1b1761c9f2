from django.urls import path

from . import views

app_name = "seekers"

urlpatterns = [path("intake/", views.intake_view, name="intake")]
