from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("account/card/", views.card_view, name="card"),
    path("payments/stripe/webhook/", views.webhook_view, name="webhook"),
]
