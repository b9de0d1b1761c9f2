from django.urls import path

from . import views

app_name = "sitefeedback"

urlpatterns = [
    path("", views.feedback_view, name="form"),
    path("thanks/", views.thanks_view, name="thanks"),
]
