from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("book/<int:slot_id>/", views.booking_request_view, name="request"),
]
