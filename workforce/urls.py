from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("become-a-supporter/apply/", views.apply_view, name="apply"),
    path("become-a-supporter/my-application/", views.progress_view, name="progress"),
    path("become-a-supporter/my-application/peer-session/", views.peer_session_view, name="peer_session"),
    path("become-a-supporter/my-application/video/", views.video_view, name="video"),
    path("become-a-supporter/my-application/offer/", views.offer_view, name="offer"),
    path("become-a-supporter/my-application/withdraw/", views.withdraw_view, name="withdraw"),
    path("become-a-supporter/applications/<id:application_id>/resume/", views.resume_view, name="resume"),
    path(
        "become-a-supporter/applications/<id:application_id>/video/",
        views.video_file_view,
        name="video_file",
    ),
]
