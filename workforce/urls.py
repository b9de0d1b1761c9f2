from django.urls import path

from . import views
from .views import hiring, pay, supervision, training

app_name = "workforce"

urlpatterns = [
    path("become-a-supporter/apply/", hiring.apply_view, name="apply"),
    path("become-a-supporter/my-application/", hiring.progress_view, name="progress"),
    path("become-a-supporter/my-application/peer-session/", hiring.peer_session_view, name="peer_session"),
    path("become-a-supporter/my-application/video/", hiring.video_view, name="video"),
    path("become-a-supporter/my-application/offer/", hiring.offer_view, name="offer"),
    path("become-a-supporter/my-application/withdraw/", hiring.withdraw_view, name="withdraw"),
    path("become-a-supporter/applications/<id:application_id>/resume/", hiring.resume_view, name="resume"),
    path(
        "become-a-supporter/applications/<id:application_id>/video/",
        hiring.video_file_view,
        name="video_file",
    ),
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
    # Supervision: supervisors (404 for anyone else) and the supporter's own log.
    path("supervisor/supervision/", supervision.supervision_list_view, name="supervision_list"),
    path(
        "supervisor/supervision/compliance/",
        supervision.supervision_compliance_view,
        name="supervision_compliance",
    ),
    path(
        "supervisor/supervision/<id:session_id>/",
        supervision.supervision_detail_view,
        name="supervision_detail",
    ),
    path(
        "supervisor/supervision/<id:session_id>/cancel/",
        supervision.supervision_cancel_view,
        name="supervision_cancel",
    ),
    path("supporter/supervision/", supervision.my_supervision_view, name="my_supervision"),
    # Pay: the supporter's own statements; operations' month page and payroll CSVs.
    path("supporter/pay/", pay.my_pay_view, name="my_pay"),
    path("supporter/pay/<id:statement_id>/", pay.my_statement_view, name="my_statement"),
    path("supporter/pay/<id:statement_id>/statement.pdf", pay.my_statement_pdf_view, name="my_statement_pdf"),
    path("staff/pay/", pay.pay_month_view, name="pay_month"),
    path("staff/pay/generate/", pay.pay_generate_view, name="pay_generate"),
    path("staff/pay/<str:month>/summary.csv", pay.pay_summary_csv_view, name="pay_summary_csv"),
    path("staff/pay/<str:month>/detail.csv", pay.pay_detail_csv_view, name="pay_detail_csv"),
]
