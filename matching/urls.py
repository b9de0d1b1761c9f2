from django.urls import path, re_path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.start_view, name="start"),
    # A screen number, not an id: one digit, checked against the number of screens by the view.
    re_path(r"^questions/(?P<step>[0-9])/$", views.question_view, name="question"),
    path("suggestions/", views.suggestions_view, name="suggestions"),
    path("sign-up/", views.signup_view, name="signup"),
    path("hide/<id:supporter_id>/", views.hide_view, name="hide"),
    path("hidden/", views.hidden_view, name="hidden"),
    path("hidden/<id:conflict_id>/undo/", views.unhide_view, name="unhide"),
    path("ask-our-team/", views.team_request_new_view, name="team_new"),
    path("ask-our-team/<id:request_id>/", views.team_request_view, name="team_request"),
]
