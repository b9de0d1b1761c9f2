"""The operations dashboard page: operations and supervisor roles (superusers hold both); anyone else 404."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from privacy.roles import OPERATIONS, SUPERVISOR, has_role

from . import charts
from .selectors import Dashboard, admin_list_url, dashboard_get

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def can_see_dashboard(user) -> bool:
    return has_role(user, OPERATIONS) or has_role(user, SUPERVISOR)


def _link_figures(dashboard: Dashboard, user) -> bool:
    """Each figure links to its admin list when this viewer may open that list (else it is plain text).
    True when some figure stays without a link for this viewer."""
    bases: dict[str, str] = {}  # model -> its admin list's address, "" when this viewer has none
    for figure in dashboard.figures():
        if not figure.model:
            continue
        if figure.model not in bases:
            app_label, model_name = figure.model.split(".")
            allowed = user.has_perm(f"{app_label}.view_{model_name}")
            bases[figure.model] = admin_list_url(figure.model) if allowed else ""
        if bases[figure.model]:
            figure.href = figure.url_from(bases[figure.model])
    return any(figure.model and not figure.href for figure in dashboard.figures())


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The week at a glance for staff: every number from ``operations.selectors.dashboard_get``, two
    server-drawn charts each with its data table, each number a link to the admin list behind it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not can_see_dashboard(request.user):
        raise Http404
    if not is_mfa_enabled(request.user):
        messages.info(request, "Staff pages need two-factor authentication. Please turn it on first.")
        return redirect("mfa_index")
    dashboard = dashboard_get()
    hidden = _link_figures(dashboard, request.user)
    day_labels = [f"{day:%a} {day.day}" for day in dashboard.week.days]
    sessions_chart = charts.bar_chart(
        day_labels,
        [
            ("series-requested", [row.booked.count for row in dashboard.days]),
            ("series-held", [row.held.count for row in dashboard.days]),
            ("series-cancelled", [row.cancelled.count for row in dashboard.days]),
        ],
    )
    heat_rows = [
        [
            (dashboard.heat[(weekday, hour)].taken, dashboard.heat[(weekday, hour)].offered.count)
            for hour in dashboard.heat_hours
        ]
        for weekday in dashboard.heat_weekdays
    ]
    heat_chart = charts.heatmap(
        [WEEKDAYS[weekday][:3] for weekday in dashboard.heat_weekdays],
        [f"{hour:02d}" for hour in dashboard.heat_hours],
        heat_rows,
    )
    heat_table = [
        (WEEKDAYS[weekday], [dashboard.heat[(weekday, hour)] for hour in dashboard.heat_hours])
        for weekday in dashboard.heat_weekdays
    ]
    return render(
        request,
        "operations/dashboard.html",
        {
            "title": "Operations dashboard",
            "ops_zone": settings.OPERATIONS_TIME_ZONE,
            "links_hidden": hidden,
            "can_open_queue": has_role(request.user, SUPERVISOR),
            "d": dashboard,
            "sessions_chart": sessions_chart,
            "heat_chart": heat_chart,
            "heat_table": heat_table,
            "heat_hour_labels": [_hour_label(hour) for hour in dashboard.heat_hours],
            "week_totals": {
                "booked": sum(row.booked.count for row in dashboard.days),
                "held": sum(row.held.count for row in dashboard.days),
                "cancelled": sum(row.cancelled.count for row in dashboard.days),
            },
        },
    )
