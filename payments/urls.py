from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("account/card/", views.card_view, name="card"),
    path("account/card/setup/", views.card_setup_view, name="card_setup"),
    path("payments/stripe/webhook/", views.webhook_view, name="webhook"),
]
