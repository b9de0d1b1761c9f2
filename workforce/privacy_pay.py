"""A supporter's supervision log and pay, for their export and their account's deletion
(privacy.registry; registered in WorkforceConfig.ready()).

Export: statements with their lines, rates, adjustments (with reasons) and the supervision log (dates,
kinds, lengths, attendance; supervisors' notes are staff records and stay out). Erasure: pay records are
kept for the law and the books (amounts, dates, hours), anonymised like payments': adjustment reasons are
cleared; the private notes of the supporter's 1:1 supervision are cleared too. Group notes are about the
group and stay."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from privacy.registry import iso
from supporters.models import SupporterProfile

from .models import PayAdjustment, PayRate, PayStatement, SupervisionAttendance, SupervisionSession


def export_workforce_pay(user: User) -> dict | None:
    """One query for anyone who isn't a supporter; six (whatever the number of rows) for a supporter."""
    supporter_id = SupporterProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if supporter_id is None:
        return None
    statements = (
        PayStatement.objects.filter(supporter_id=supporter_id).prefetch_related("lines").order_by("month")
    )
    rates = PayRate.objects.filter(supporter_id=supporter_id).order_by("effective_from")
    adjustments = PayAdjustment.objects.filter(supporter_id=supporter_id).order_by("created_at")
    supervision = (
        SupervisionAttendance.objects.filter(supporter_id=supporter_id)
        .select_related("session")
        .order_by("session__starts_at")
    )
    data = {
        "pay_statements": [
            {
                "month": f"{s.month:%Y-%m}",
                "hours": str(s.hours),
                "total_cents": s.total_cents,
                "generated_at": iso(s.generated_at),
                "paid_on": iso(s.paid_on),
                "lines": [
                    {
                        "day": iso(line.on),
                        "kind": line.kind,
                        "description": line.description,
                        "minutes": line.minutes,
                        "rate_cents": line.rate_cents,
                        "amount_cents": line.amount_cents,
                    }
                    for line in s.lines.all()
                ],
            }
            for s in statements
        ],
        "pay_rates": [
            {"hourly_cents": r.hourly_cents, "from": iso(r.effective_from), "to": iso(r.effective_to)}
            for r in rates
        ],
        "pay_adjustments": [
            {
                "amount_cents": a.amount_cents,
                "minutes": a.minutes,
                "reason": a.reason,
                "at": iso(a.created_at),
            }
            for a in adjustments
        ],
        "supervision": [
            {
                "kind": a.session.kind,
                "starts_at": iso(a.session.starts_at),
                "minutes": a.session.minutes,
                "status": a.session.status,
                "attended": a.attended,
            }
            for a in supervision
        ],
    }
    return data if any(data.values()) else None


def erase(user: User, *, now: dt.datetime) -> None:
    """Keep the pay records, anonymised: clear adjustment reasons and the notes of this supporter's 1:1
    supervision sessions."""
    PayAdjustment.objects.filter(supporter__user=user).update(reason="")
    SupervisionSession.objects.filter(
        kind=SupervisionSession.Kind.ONE_TO_ONE, attendances__supporter__user=user
    ).update(notes="")
