from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    # Public: anyone, signed in or not.
    path("", views.directory_view, name="directory"),
    path("next-available/", views.next_available_view, name="next_available"),
    path("<id:supporter_id>/", views.profile_view, name="profile"),
    # The signed-in supporter's own pages (MFA required).
    path("me/profile/", views.manage_profile_view, name="manage_profile"),
    path("me/profile/preview/", views.manage_profile_preview_view, name="manage_profile_preview"),
    path("me/availability/", views.manage_availability_view, name="manage_availability"),
    path("me/availability/<id:rule_id>/delete/", views.manage_rule_delete_view, name="manage_rule_delete"),
    path("me/time-off/", views.manage_time_off_view, name="manage_time_off"),
    path(
        "me/time-off/<id:time_off_id>/delete/",
        views.manage_time_off_delete_view,
        name="manage_time_off_delete",
    ),
    path("me/leave/", views.manage_leave_view, name="manage_leave"),
    path("me/leave/<id:leave_id>/end/", views.manage_leave_end_view, name="manage_leave_end"),
]
