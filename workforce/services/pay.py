"""Pay: rates, paid activities, adjustments, the monthly statements and marking them paid. The one
writer of the pay models. Statements are locked once generated: nothing here edits their lines or
totals; the only later change is the paid date."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError
from supporters.models import SupporterProfile

from ..models import PaidActivity, PayAdjustment, PayRate, PayStatement, PayStatementLine
from ..months import month_bounds, month_of, next_month, pacific, pacific_today, previous_month
from ..selectors import pay as selectors

logger = logging.getLogger(__name__)


class PayError(DomainError):
    """A pay rule said no (shown to the staff member who tried)."""


def amount_for(minutes: int, hourly_cents: int) -> int:
    """Cents for ``minutes`` at ``hourly_cents`` an hour, rounded half away from zero to the cent."""
    numerator = abs(minutes) * hourly_cents
    cents = (numerator + 30) // 60
    return -cents if minutes < 0 else cents


def _closed_until(supporter_id: int) -> dt.date | None:
    """The first day after the supporter's latest statement month (days before it are locked)."""
    latest = (
        PayStatement.objects.filter(supporter_id=supporter_id)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return next_month(latest) if latest else None


@transaction.atomic
def pay_rate_set(
    *, supporter_id: int, hourly_cents: int, effective_from: dt.date, by: User | None
) -> PayRate:
    """Start a new hourly rate on ``effective_from``; the rate before it ends the day before. History is
    kept and rows never overlap. Refused on or before the current rate's start (that would rewrite
    history) and inside a month already on a statement. Locks the supporter row (serialises rate changes)."""
    if not SupporterProfile.objects.filter(pk=supporter_id).exists():
        raise PayError("That supporter could not be found.")
    lock_supporters([supporter_id])
    if hourly_cents <= 0:
        raise PayError("The hourly rate must be more than $0.")
    closed = _closed_until(supporter_id)
    if closed and effective_from < closed:
        raise PayError(
            f"Pay up to {closed - dt.timedelta(days=1):%B %Y} is on statements already; choose a later start."
        )
    current = PayRate.objects.filter(supporter_id=supporter_id).order_by("-effective_from").first()
    if current is not None:
        if effective_from <= current.effective_from:
            raise PayError(
                f"The current rate starts on {current.effective_from:%-d %B %Y}; a new rate must start later."
            )
        current.effective_to = effective_from - dt.timedelta(days=1)
        current.save(update_fields=["effective_to"])
    return PayRate.objects.create(
        supporter_id=supporter_id, hourly_cents=hourly_cents, effective_from=effective_from, set_by=by
    )


@transaction.atomic
def paid_activity_record(
    *, supporter_id: int, kind: str, title: str, on: dt.date, minutes: int, by: User | None
) -> PaidActivity:
    """Record orientation or continuing education for a supporter; it is paid on that month's statement.
    Refused for a month whose statement exists (add an adjustment instead)."""
    if kind not in PaidActivity.Kind.values:
        raise PayError("Choose orientation or continuing education.")
    if not 0 < minutes <= 600:
        raise PayError("Minutes must be between 1 and 600.")
    lock_supporters([supporter_id])
    if PayStatement.objects.filter(supporter_id=supporter_id, month=month_of(on)).exists():
        raise PayError("Pay for that month is closed. Add an adjustment for the next statement instead.")
    return PaidActivity.objects.create(
        supporter_id=supporter_id, kind=kind, title=title.strip(), on=on, minutes=minutes, recorded_by=by
    )


@transaction.atomic
def pay_adjustment_create(
    *,
    supporter_id: int,
    amount_cents: int = 0,
    minutes: int = 0,
    reason: str,
    by: User,
    now: dt.datetime | None = None,
) -> PayAdjustment:
    """A correction: an amount in cents or time in minutes (either may be negative; not both), with a
    reason and the staff member. It lands on the next statement generated for the supporter."""
    if bool(amount_cents) == bool(minutes):
        raise PayError("Give either an amount or a number of minutes (not both).")
    if not reason.strip():
        raise PayError("Say why: the supporter sees the reason on their statement.")
    if not SupporterProfile.objects.filter(pk=supporter_id).exists():
        raise PayError("That supporter could not be found.")
    lock_supporters([supporter_id])
    return PayAdjustment.objects.create(
        supporter_id=supporter_id,
        amount_cents=amount_cents,
        minutes=minutes,
        reason=reason.strip(),
        created_by=by,
        created_at=now or timezone.now(),
    )


@dataclass
class GenerationResult:
    month: dt.date
    created: list[int] = field(default_factory=list)  # statement ids
    existing: int = 0
    missing_rate: list[int] = field(default_factory=list)  # supporter ids with time but no rate that day


def statements_generate(*, month: dt.date, now: dt.datetime | None = None) -> GenerationResult:
    """Generate the statement of ``month`` for every supporter with time or a waiting adjustment in it,
    once the month is over. Idempotent and safe to run twice at once: one statement per supporter and
    month (each is made under the supporter's row lock, and a unique constraint backs it). A supporter
    with time on a day without a rate is left out (and listed) until a rate is set."""
    now = now or timezone.now()
    if now < month_bounds(month)[1]:
        raise PayError("A month's statements are made once the month is over.")
    result = GenerationResult(month=month)
    done = set(PayStatement.objects.filter(month=month).values_list("supporter_id", flat=True))
    result.existing = len(done)
    candidates = sorted(set(selectors.time_lines_for_month(month=month)) - done)
    for supporter_id in candidates:
        outcome = _statement_generate_one(supporter_id=supporter_id, month=month, now=now)
        if outcome is MISSING_RATE:
            result.missing_rate.append(supporter_id)
            logger.warning("pay: supporter %s has time in %s on a day without a rate", supporter_id, month)
        elif outcome is None:
            result.existing += 1
        else:
            result.created.append(outcome.pk)
    return result


MISSING_RATE = object()


def _priced(lines, rates) -> list[PayStatementLine] | None:
    priced = []
    for line in lines:
        if line.amount_cents is not None:
            priced.append(_line(line, rate=0, amount=line.amount_cents))
            continue
        rate = selectors.rate_on(rates, line.on)
        if rate is None:
            return None
        priced.append(_line(line, rate=rate, amount=amount_for(line.minutes, rate)))
    return priced


def _line(line, *, rate: int, amount: int) -> PayStatementLine:
    return PayStatementLine(
        kind=line.kind,
        on=line.on,
        description=line.description[:160],
        minutes=line.minutes,
        rate_cents=rate,
        amount_cents=amount,
        source_id=line.source_id,
    )


def lock_supporters(supporter_ids) -> None:
    """Lock supporter rows in id order: statement generation, rate changes and recordings of paid time
    for a supporter take this lock, so nothing lands in a month while its statement is being made."""
    list(
        SupporterProfile.objects.select_for_update()
        .filter(pk__in=supporter_ids)
        .order_by("pk")
        .values_list("pk")
    )


def _statement_generate_one(*, supporter_id: int, month: dt.date, now):
    """One supporter's statement, all or nothing, under the supporter's row lock: re-reads its time lines
    and rates inside the lock, inserts the statement and its lines, attaches its adjustments. Returns the
    statement; None when it exists already (another run made it); MISSING_RATE when a day has no rate."""
    try:
        with transaction.atomic():
            lock_supporters([supporter_id])
            if PayStatement.objects.filter(supporter_id=supporter_id, month=month).exists():
                return None
            lines = selectors.time_lines_for_month(month=month, supporter_ids=[supporter_id]).get(
                supporter_id
            )
            if not lines:
                return None
            rates = selectors.rates_by_supporter(supporter_ids=[supporter_id]).get(supporter_id, [])
            priced = _priced(lines, rates)
            if priced is None:
                return MISSING_RATE
            statement = PayStatement.objects.create(
                supporter_id=supporter_id,
                month=month,
                total_minutes=sum(line.minutes for line in priced),
                total_cents=sum(line.amount_cents for line in priced),
                generated_at=now,
            )
            for line in priced:
                line.statement = statement
            PayStatementLine.objects.bulk_create(priced)
            adjustment_ids = [
                line.source_id for line in priced if line.kind == PayStatementLine.Kind.ADJUSTMENT
            ]
            PayAdjustment.objects.filter(pk__in=adjustment_ids).update(statement=statement)
    except IntegrityError:
        # Only without row locks (SQLite runs one writer at a time anyway): the other run won.
        if PayStatement.objects.filter(supporter_id=supporter_id, month=month).exists():
            return None
        raise
    return statement


def statements_generate_due(*, now: dt.datetime | None = None) -> GenerationResult | None:
    """The beat's job: on the 1st of a month (Pacific), from 02:00 on (sessions that ended near midnight
    are marked completed by then), generate the previous month's statements. Any other time: nothing."""
    now = now or timezone.now()
    local = now.astimezone(pacific())
    if local.day != 1 or local.hour < 2:
        return None
    return statements_generate(month=previous_month(local.date()), now=now)


@transaction.atomic
def statements_mark_paid(*, statement_ids: list[int], paid_on: dt.date, by: User) -> int:
    """Mark statements paid on ``paid_on`` (not in the future). Already-paid ones keep their date.
    Returns how many changed. A conditional update: safe to repeat and to race."""
    if paid_on > pacific_today():
        raise PayError("The paid date can't be in the future.")
    return PayStatement.objects.filter(pk__in=statement_ids, paid_on__isnull=True).update(
        paid_on=paid_on, paid_by=by
    )
