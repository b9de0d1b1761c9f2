from django.urls import path

from . import views

app_name = "waitlist"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("supporter/<id:supporter_id>/", views.join_view, name="join"),
    path("<id:entry_id>/leave/", views.leave_view, name="leave"),
    path("leave/<str:token>/", views.leave_link_view, name="leave_link"),
]
