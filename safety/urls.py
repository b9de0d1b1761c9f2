from django.urls import path

from .views import backup, flags, plans, queue, reports

app_name = "safety"

urlpatterns = [
    path("supervisor/queue/", queue.queue_view, name="queue"),
    path("supervisor/flags/<id:flag_id>/", flags.flag_view, name="flag"),
    path("supervisor/flags/<id:flag_id>/acknowledge/", flags.flag_acknowledge_view, name="flag_acknowledge"),
    path("supervisor/flags/<id:flag_id>/close/", flags.flag_close_view, name="flag_close"),
    # Mandatory reports (the filing supporter and supervisors only).
    path("safety/reports/", reports.report_list_view, name="report_list"),
    path("safety/reports/new/", reports.report_new_view, name="report_new"),
    path("safety/reports/<id:report_id>/", reports.report_detail_view, name="report_detail"),
    path("safety/reports/<id:report_id>/addendum/", reports.report_addendum_view, name="report_addendum"),
    path("safety/reports/<id:report_id>/review/", reports.report_review_view, name="report_review"),
    # Immediate backup.
    path("safety/sessions/<id:booking_id>/backup/", backup.backup_request_view, name="backup_request"),
    path("safety/backup/<id:request_id>/", backup.backup_status_view, name="backup_status"),
    path("safety/backup/<id:request_id>/review/", backup.backup_detail_view, name="backup_detail"),
    path(
        "safety/backup/<id:request_id>/acknowledge/",
        backup.backup_acknowledge_view,
        name="backup_acknowledge",
    ),
    # Crisis safety plans (safety.plans_selectors says who sees what).
    path("safety-plan/", plans.my_plan_view, name="my_plan"),
    path("safety-plans/<id:seeker_id>/", plans.plan_view, name="plan"),
    path("safety-plans/<id:seeker_id>/edit/", plans.plan_edit_view, name="plan_edit"),
    path("safety-plans/<id:seeker_id>/versions/", plans.plan_versions_view, name="plan_versions"),
    path("safety-plans/<id:seeker_id>/versions/<id:number>/", plans.plan_version_view, name="plan_version"),
    path("safety-plans/<id:seeker_id>/print/", plans.plan_print_view, name="plan_print"),
    path("safety-plans/<id:seeker_id>/safety-plan.pdf", plans.plan_pdf_view, name="plan_pdf"),
]
