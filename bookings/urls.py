from django.urls import path

from . import pay_views, views

app_name = "bookings"

urlpatterns = [
    path("book/<int:slot_id>/", views.booking_request_view, name="request"),
    # The seeker's portal and both participants' view of one session.
    path("sessions/", views.seeker_portal_view, name="portal"),
    path("sessions/<int:booking_id>/", views.booking_detail_view, name="detail"),
    path("sessions/<int:booking_id>/sent/", views.booking_sent_view, name="sent"),
    path("sessions/<int:booking_id>/join/", views.booking_join_view, name="join"),
    path("sessions/<int:booking_id>/calendar.ics", views.booking_ics_view, name="ics"),
    path("sessions/<int:booking_id>/withdraw/", views.booking_withdraw_view, name="withdraw"),
    path("sessions/<int:booking_id>/cancel/", views.booking_cancel_view, name="cancel"),
    path("sessions/<int:booking_id>/reschedule/", views.booking_reschedule_view, name="reschedule"),
    path("sessions/<int:booking_id>/pay/", pay_views.pay_view, name="pay"),
    path("sessions/<int:booking_id>/pay/check/", pay_views.check_view, name="pay_check"),
    path("sessions/<int:booking_id>/feedback/", views.booking_feedback_view, name="feedback"),
    path("sessions/<int:booking_id>/report-absent/", views.booking_report_absent_view, name="report_absent"),
    # The supporter's side.
    path("supporter/sessions/", views.supporter_dashboard_view, name="supporter_dashboard"),
    path("sessions/<int:booking_id>/accept/", views.booking_accept_view, name="accept"),
    path("sessions/<int:booking_id>/decline/", views.booking_decline_view, name="decline"),
    path(
        "sessions/<int:booking_id>/supporter-cancel/",
        views.booking_supporter_cancel_view,
        name="supporter_cancel",
    ),
    path("sessions/<int:booking_id>/no-show/", views.booking_no_show_view, name="no_show"),
    path("supporter/leave-sessions/", views.leave_sessions_view, name="leave_sessions"),
]
