from django.urls import path

from . import views
from .views import training

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
    # The trainee (the Become a supporter page itself is "pages:become_a_supporter", in peersnet/urls.py).
    path("become-a-supporter/training/", training.training_view, name="training"),
    path("become-a-supporter/training/practice/", training.practice_new_view, name="practice_new"),
    path(
        "become-a-supporter/training/practice/<id:log_id>/",
        training.practice_edit_view,
        name="practice_edit",
    ),
    path(
        "become-a-supporter/training/certificate.pdf", training.certificate_download_view, name="certificate"
    ),
    # Anyone: check a certificate.
    path("verify/", training.verify_view, name="verify"),
    path("verify/<str:code>/", training.verify_view, name="verify_code"),
    # Staff: trainers and supervisors.
    path("staff/training/", training.staff_cohorts_view, name="staff_cohorts"),
    path("staff/training/cohorts/<id:cohort_id>/", training.staff_cohort_view, name="staff_cohort"),
    path(
        "staff/training/sessions/<id:session_id>/attendance/",
        training.staff_attendance_view,
        name="staff_attendance",
    ),
    path("staff/training/trainees/<id:enrolment_id>/", training.staff_trainee_view, name="staff_trainee"),
    path("staff/training/practice/", training.staff_practice_queue_view, name="staff_practice_queue"),
    path(
        "staff/training/practice/<id:log_id>/",
        training.staff_practice_review_view,
        name="staff_practice_review",
    ),
]
