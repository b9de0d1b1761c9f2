from django.urls import path

from .views import pay, supervision

app_name = "workforce"

urlpatterns = [
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
