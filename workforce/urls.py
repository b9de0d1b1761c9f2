from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("become-a-supporter/onboarding/", views.onboarding_view, name="onboarding"),
    path("become-a-supporter/onboarding/ethics/", views.onboarding_ethics_view, name="onboarding_ethics"),
    path("become-a-supporter/credentials/", views.credentials_view, name="credentials"),
    path(
        "become-a-supporter/credentials/<id:credential_id>/document/",
        views.credential_document_view,
        name="credential_document",
    ),
]
