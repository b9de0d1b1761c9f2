"""The month's pay as CSV for the payroll provider: a summary (one row per supporter's statement) and a
detail file (every line). Money in integer cents, with a dollars column for people; text cells that a
spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import datetime as dt
import io

from .models.pay import minutes_as_hours
from .selectors import pay as selectors

SUMMARY_COLUMNS = [
    "statement_id",
    "supporter_id",
    "supporter_name",
    "email",
    "month",
    "minutes",
    "hours",
    "total_cents",
    "total_dollars",
    "paid_on",
]
DETAIL_COLUMNS = [
    "statement_id",
    "supporter_id",
    "supporter_name",
    "date",
    "kind",
    "description",
    "minutes",
    "hours",
    "rate_cents",
    "amount_cents",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell starting like a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def _write(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def summary_csv(*, month: dt.date) -> str:
    return _write(
        SUMMARY_COLUMNS,
        (
            [
                s.pk,
                s.supporter_id,
                s.supporter.display_name,
                s.supporter.user.email,
                f"{month:%Y-%m}",
                s.total_minutes,
                str(s.hours),
                s.total_cents,
                dollars(s.total_cents),
                s.paid_on.isoformat() if s.paid_on else "",
            ]
            for s in selectors.statement_list_for_month(month=month)
        ),
    )


def detail_csv(*, month: dt.date) -> str:
    return _write(
        DETAIL_COLUMNS,
        (
            [
                line.statement_id,
                line.statement.supporter_id,
                line.statement.supporter.display_name,
                line.on.isoformat(),
                line.kind,
                line.description,
                line.minutes,
                str(minutes_as_hours(line.minutes)),
                line.rate_cents,
                line.amount_cents,
            ]
            for line in selectors.line_list_for_month(month=month)
        ),
    )
