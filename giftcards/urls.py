from django.urls import path

from . import views

app_name = "giftcards"

urlpatterns = [
    path("gift/", views.buy_view, name="buy"),
    path("gift/<uuid:public_id>/pay/", views.pay_view, name="pay"),
    path("gift/<uuid:public_id>/pay/check/", views.check_view, name="check"),
    path("gift/<uuid:public_id>/thanks/", views.thanks_view, name="thanks"),
    path("gift/status/<str:token>/", views.status_view, name="status"),
    path("gift/claim/", views.claim_view, name="claim"),
    path("gift/claim/<str:token>/", views.claim_link_view, name="claim_link"),
    path("gift/credits/", views.credits_view, name="credits"),
]
