from django.urls import path

from .views import backup, flags, queue, reports

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
]
