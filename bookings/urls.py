from django.urls import path

from . import pay_views, views

app_name = "bookings"

urlpatterns = [
    path("book/<id:slot_id>/", views.booking_request_view, name="request"),
    # The seeker's portal and both participants' view of one session.
    path("sessions/", views.seeker_portal_view, name="portal"),
    path("sessions/<id:booking_id>/", views.booking_detail_view, name="detail"),
    path("sessions/<id:booking_id>/sent/", views.booking_sent_view, name="sent"),
    path("sessions/<id:booking_id>/join/", views.booking_join_view, name="join"),
    path("sessions/<id:booking_id>/calendar.ics", views.booking_ics_view, name="ics"),
    path("sessions/<id:booking_id>/withdraw/", views.booking_withdraw_view, name="withdraw"),
    path("sessions/<id:booking_id>/cancel/", views.booking_cancel_view, name="cancel"),
    path("sessions/<id:booking_id>/reschedule/", views.booking_reschedule_view, name="reschedule"),
    path("sessions/<id:booking_id>/pay/", pay_views.pay_view, name="pay"),
    path("sessions/<id:booking_id>/pay/check/", pay_views.check_view, name="pay_check"),
    path("sessions/<id:booking_id>/feedback/", views.booking_feedback_view, name="feedback"),
    path("sessions/<id:booking_id>/report-absent/", views.booking_report_absent_view, name="report_absent"),
    # The supporter's side.
    path("supporter/sessions/", views.supporter_dashboard_view, name="supporter_dashboard"),
    path("sessions/<id:booking_id>/accept/", views.booking_accept_view, name="accept"),
    path("sessions/<id:booking_id>/decline/", views.booking_decline_view, name="decline"),
    path(
        "sessions/<id:booking_id>/supporter-cancel/",
        views.booking_supporter_cancel_view,
        name="supporter_cancel",
    ),
    path("sessions/<id:booking_id>/no-show/", views.booking_no_show_view, name="no_show"),
    path("supporter/leave-sessions/", views.leave_sessions_view, name="leave_sessions"),
]
