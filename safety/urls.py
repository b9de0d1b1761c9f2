from django.urls import path

from .views import plans

app_name = "safety"

urlpatterns: list = [
    # Crisis safety plans (safety.plans_selectors says who sees what).
    path("safety-plan/", plans.my_plan_view, name="my_plan"),
    path("safety-plans/<id:seeker_id>/", plans.plan_view, name="plan"),
    path("safety-plans/<id:seeker_id>/edit/", plans.plan_edit_view, name="plan_edit"),
    path("safety-plans/<id:seeker_id>/versions/", plans.plan_versions_view, name="plan_versions"),
    path("safety-plans/<id:seeker_id>/versions/<id:number>/", plans.plan_version_view, name="plan_version"),
    path("safety-plans/<id:seeker_id>/print/", plans.plan_print_view, name="plan_print"),
    path("safety-plans/<id:seeker_id>/safety-plan.pdf", plans.plan_pdf_view, name="plan_pdf"),
]
