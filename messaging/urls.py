from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.conversation_list_view, name="list"),
    path("messages/settings/", views.preference_view, name="preferences"),
    path("messages/unread/", views.unread_badge_view, name="unread"),
    path("messages/<id:conversation_id>/", views.thread_view, name="thread"),
    path("messages/<id:conversation_id>/new/", views.thread_new_view, name="new"),
    path("messages/<id:conversation_id>/pause/", views.pause_view, name="pause"),
    path("messages/<id:conversation_id>/report/<id:message_id>/", views.report_view, name="report"),
    path("sessions/<id:booking_id>/messages/", views.for_booking_view, name="for_booking"),
    path("supervisor/messages/", views.supervisor_list_view, name="supervisor_list"),
    path("supervisor/messages/<id:conversation_id>/", views.supervisor_thread_view, name="supervisor_thread"),
]
