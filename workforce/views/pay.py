"""Pay pages: a supporter's own statements (HTML and PDF) and year totals; operations' month page with
the payroll CSVs and marking statements paid."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersnet.kernel.money import format_cents
from peersnet.kernel.pdf import PdfSection, document
from privacy.roles import OPERATIONS
from supporters.decorators import supporter_required

from .. import payroll
from ..forms_pay import MarkPaidForm
from ..models import PayStatement, PayStatementLine
from ..months import month_bounds, month_of, pacific_day, pacific_today, parse_month, previous_month
from ..selectors import pay as selectors
from ..services import pay as services
from .access import role_required


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= default + 1 else default


@require_GET
@supporter_required
def my_pay_view(request: HttpRequest) -> HttpResponse:
    """The supporter's statements, newest first, and the calendar year's totals."""
    this_year = pacific_today().year
    year = _year(request, this_year)
    return render(
        request,
        "workforce/pay_mine.html",
        {
            "title": "Your pay",
            "statements": list(selectors.statement_list_for_supporter(supporter=request.supporter)),
            "totals": selectors.year_totals(supporter=request.supporter, year=year),
            "years": [this_year, this_year - 1],
        },
    )


def _own_statement(request: HttpRequest, statement_id: int) -> PayStatement:
    try:
        return selectors.statement_get_for_supporter(supporter=request.supporter, statement_id=statement_id)
    except PayStatement.DoesNotExist:
        raise Http404 from None


def _reasons(statement: PayStatement) -> dict[int, str]:
    return {adjustment.pk: adjustment.reason for adjustment in statement.adjustments.all()}


@require_GET
@supporter_required
def my_statement_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    """One of the supporter's own statements (another's is a 404)."""
    statement = _own_statement(request, statement_id)
    return render(
        request,
        "workforce/pay_statement.html",
        {
            "title": f"Pay statement, {statement.month:%B %Y}",
            "statement": statement,
            "lines": statement.lines.all(),
            "reasons": _reasons(statement),
            "adjustment": PayStatementLine.Kind.ADJUSTMENT,
        },
    )


def _line_text(line: PayStatementLine, reasons: dict[int, str]) -> str:
    what = line.description
    if line.kind == PayStatementLine.Kind.ADJUSTMENT and line.source_id in reasons:
        what = f"{what}: {reasons[line.source_id]}"
    rate = f" at {format_cents(line.rate_cents)}/h" if line.rate_cents else ""
    hours = f"{line.hours} h{rate}, " if line.minutes else ""
    return f"{line.on:%a %-d %b}  {what}  ({hours}{format_cents(line.amount_cents)})"


@require_GET
@supporter_required
def my_statement_pdf_view(request: HttpRequest, statement_id: int) -> HttpResponse:
    """The statement as a PDF (fpdf2 through the kernel)."""
    statement = _own_statement(request, statement_id)
    reasons = _reasons(statement)
    paid = f"Paid on {statement.paid_on:%-d %B %Y}." if statement.paid_on else "Not paid yet."
    pdf = document(
        title=f"Pay statement: {statement.month:%B %Y}",
        subtitle=f"{statement.supporter.display_name} · statement {statement.pk} · generated "
        f"{pacific_day(statement.generated_at):%-d %B %Y}",
        sections=[
            PdfSection("Lines", [_line_text(line, reasons) for line in statement.lines.all()]),
            PdfSection(
                "Total",
                [f"{statement.hours} hours, {format_cents(statement.total_cents)}. {paid}"],
            ),
        ],
        footer="Months follow Pacific time. Corrections appear as adjustments on a later statement.",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pay-statement-{statement.month:%Y-%m}.pdf"'
    return response


# --- Operations ----------------------------------------------------------------------------------------


def _staff_month(request: HttpRequest) -> dt.date:
    return parse_month(request.GET.get("month") or request.POST.get("month")) or previous_month(
        month_of(pacific_today())
    )


@require_http_methods(["GET", "POST"])
@role_required(OPERATIONS)
def pay_month_view(request: HttpRequest) -> HttpResponse:
    """A month's statements with totals, the CSV downloads, and marking statements paid."""
    month = _staff_month(request)
    statements = list(selectors.statement_list_for_month(month=month))
    form = MarkPaidForm(
        request.POST if request.method == "POST" else None,
        statements=statements,
        initial={"paid_on": pacific_today()},
    )
    if form.is_valid():
        try:
            count = services.statements_mark_paid(
                statement_ids=[int(pk) for pk in form.cleaned_data["statements"]],
                paid_on=form.cleaned_data["paid_on"],
                by=request.user,
            )
        except services.PayError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{count} statement{'s' if count != 1 else ''} marked paid.")
            return redirect(f"{reverse('workforce:pay_month')}?month={month:%Y-%m}")
    return render(
        request,
        "workforce/pay_month.html",
        {
            "title": f"Pay for {month:%B %Y}",
            "month": month,
            "statements": statements,
            "totals": selectors.month_totals(month=month),
            "form": form,
            "closed": month_bounds(month)[1] <= timezone.now(),
            "previous": previous_month(month),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(OPERATIONS)
def pay_generate_view(request: HttpRequest) -> HttpResponse:
    """Generate a finished month's missing statements (the job does this on the 1st; this catches up after
    a rate was added, say). Statements already made are left as they are."""
    month = _staff_month(request)
    try:
        result = services.statements_generate(month=month)
    except services.PayError as exc:
        messages.error(request, exc.message)
    else:
        text = f"{len(result.created)} new statement{'s' if len(result.created) != 1 else ''}."
        if result.missing_rate:
            text += (
                f" {len(result.missing_rate)} supporter(s) have time on days without a rate: "
                "add a rate, then make the missing statements again."
            )
        messages.success(request, text)
    return redirect(f"{reverse('workforce:pay_month')}?month={month:%Y-%m}")


def _csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(OPERATIONS)
def pay_summary_csv_view(request: HttpRequest, month: str) -> HttpResponse:
    first = parse_month(month)
    if first is None:
        raise Http404
    return _csv_response(payroll.summary_csv(month=first), f"pay-{first:%Y-%m}-summary.csv")


@require_GET
@role_required(OPERATIONS)
def pay_detail_csv_view(request: HttpRequest, month: str) -> HttpResponse:
    first = parse_month(month)
    if first is None:
        raise Http404
    return _csv_response(payroll.detail_csv(month=first), f"pay-{first:%Y-%m}-detail.csv")
