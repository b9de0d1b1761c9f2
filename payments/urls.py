from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("account/card/", views.card_view, name="card"),
    path("sessions/<int:booking_id>/pay/", views.pay_view, name="pay"),
    path("sessions/<int:booking_id>/pay/check/", views.check_view, name="check"),
    path("payments/stripe/webhook/", views.webhook_view, name="webhook"),
]
