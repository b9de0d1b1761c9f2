"""The supporter's own pages: profile, availability, time off, leave. All behind ``supporter_required``."""

import copy
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from peersnet.errors import DomainError
from peersnet.kernel.htmx import redirect_page, render_page_or_fragment

from ..availability import Window, hour_starts
from ..decorators import supporter_required
from ..forms import MIDNIGHT, LeaveForm, ProfileForm, RuleForm, TimeOffForm
from ..models import AvailabilityRule, LeaveOfAbsence, SupporterProfile, Tag, TimeOff
from ..selectors import (
    leave_list_ahead,
    slot_list_open_ahead,
    supporter_is_listed,
    supporter_next_open,
    supporter_weekly_hours,
    tag_list_by_ids,
    time_off_list_ahead,
)
from ..services import (
    AvailabilityError,
    describe_operating_hours,
    leave_end,
    leave_start,
    operating_choices,
    operating_hours,
    profile_update,
    rule_create,
    rule_delete,
    time_off_create,
    time_off_delete,
)

UPCOMING_SLOTS_SHOWN = 5


def _page(request: HttpRequest, name: str, fragment: str, context: dict) -> HttpResponse:
    return render_page_or_fragment(request, f"supporters/manage/{name}.html", fragment, context)


def _today(supporter: SupporterProfile) -> dt.date:
    return timezone.now().astimezone(supporter.tzinfo).date()


def _hm(value: dt.time) -> str:
    return "midnight" if value >= MIDNIGHT else f"{value:%H:%M}"


def _window_label(rule: AvailabilityRule) -> str:
    return f"{rule.get_weekday_display()} {_hm(rule.start_time)}–{_hm(rule.end_time)}"


# --- Profile --------------------------------------------------------------------------------


def _is_listed(supporter: SupporterProfile) -> bool:
    return supporter_is_listed(supporter=supporter)


def _profile_context(form: ProfileForm, card: SupporterProfile) -> dict:
    return {"title": "Your profile", "nav": "profile", "form": form, "supporter": card}


def _with_card_extras(supporter: SupporterProfile, tags) -> SupporterProfile:
    """Give the card what the directory selectors give it: ``topic_tags`` and ``next_open``."""
    supporter.topic_tags = [tag for tag in tags if tag.kind == Tag.Kind.TOPIC]
    supporter.next_open = supporter_next_open(supporter_id=supporter.pk)
    return supporter


@supporter_required
@require_http_methods(["GET", "POST"])
def manage_profile_view(request: HttpRequest) -> HttpResponse:
    """Edit what seekers see. The card next to the form shows the saved profile (live with htmx)."""
    supporter = request.supporter
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, supporter=supporter)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile_update(
                    supporter=supporter,
                    display_name=data["display_name"],
                    pronouns=data["pronouns"],
                    intro=data["intro"],
                    story=data["story"],
                    time_zone=data["time_zone"],
                    tags=list(data["tags"]),
                    photos=data["photo"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your profile is saved. This is how your card looks to seekers.")
                return redirect_page(request, "supporters:manage_profile")
        # The preview shows the form's text even when something needs fixing.
        preview = _preview_supporter(supporter, form)
    else:
        form = ProfileForm(supporter=supporter)
        preview = _with_card_extras(supporter, supporter.tags.all())
    context = _profile_context(form, preview) | {"listed": _is_listed(supporter)}
    return _page(request, "profile", "profile-form", context)


def _preview_supporter(supporter: SupporterProfile, form: ProfileForm) -> SupporterProfile:
    """An unsaved copy of the supporter with the form's values, for the card preview. Never saved.

    Valid values come from ``cleaned_data``; a value that fails validation (say, an intro that is too
    long) is shown as typed, cut to what the field can hold, so the preview never looks stuck.
    """
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    preview = copy.copy(supporter)
    for name in ("display_name", "pronouns", "intro", "story"):
        value = cleaned.get(name)
        if value is None:
            value = str(form.data.get(name, "")).replace("\r\n", "\n").strip()
        setattr(preview, name, value[: SupporterProfile._meta.get_field(name).max_length])
    if cleaned.get("time_zone"):
        preview.time_zone = cleaned["time_zone"]
    tags = cleaned["tags"] if "tags" in cleaned else tag_list_by_ids(form.data.getlist("tags"))
    return _with_card_extras(preview, tags)


@supporter_required
@require_POST
def manage_profile_preview_view(request: HttpRequest) -> HttpResponse:
    """The directory card built from the form as typed; htmx swaps it in next to the form. Saves nothing."""
    form = ProfileForm(request.POST, supporter=request.supporter)  # the photo is not sent for previews
    preview = _preview_supporter(request.supporter, form)
    context = _profile_context(form, preview)
    if not request.htmx:
        context["listed"] = _is_listed(request.supporter)
    return _page(request, "profile", "profile-preview", context)


# --- Availability ---------------------------------------------------------------------------


def _week_rows(supporter: SupporterProfile) -> tuple[list[dict], int]:
    minimum = settings.SUPPORTER_MIN_WEEKLY_HOURS
    weeks = supporter_weekly_hours(supporter=supporter)
    meter_max = max([minimum * 2] + [week.hours for week in weeks])
    # The first week is the current one and only counts what is left of it: shown, never warned about.
    rows = [
        {
            "week": week,
            "current": index == 0,
            "below": index > 0 and week.below_minimum,
            "id": f"week-{index}",
        }
        for index, week in enumerate(weeks)
    ]
    return rows, meter_max


def _rule_days(supporter: SupporterProfile) -> list[dict]:
    days: dict[int, dict] = {}
    for rule in supporter.rules.all():
        day = days.setdefault(rule.weekday, {"label": rule.get_weekday_display(), "windows": []})
        sessions = sum(1 for _ in hour_starts(Window(rule.weekday, rule.start_time, rule.end_time)))
        day["windows"].append(
            {
                "rule": rule,
                "times": f"{_hm(rule.start_time)}–{_hm(rule.end_time)}",
                "label": _window_label(rule),
                "sessions": sessions,
            }
        )
    return [days[weekday] for weekday in sorted(days)]


@supporter_required
@require_http_methods(["GET", "POST"])
def manage_availability_view(request: HttpRequest) -> HttpResponse:
    """Weekly windows, the add-a-window form and the hours offered in each of the next four weeks."""
    supporter = request.supporter
    hours = operating_hours()  # read once for the form's choices and the words above it
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        allowed=operating_choices(supporter.tzinfo, hours=hours),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_create(supporter=supporter, **form.cleaned_data)
        except AvailabilityError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Added {_window_label(rule)}. Your open sessions below are updated.")
            return redirect_page(request, "supporters:manage_availability")
    weeks, meter_max = _week_rows(supporter)
    open_slots = slot_list_open_ahead(supporter=supporter)
    context = {
        "title": "Your weekly hours",
        "nav": "availability",
        "supporter": supporter,
        "form": form,
        "days": _rule_days(supporter),
        "weeks": weeks,
        "meter_max": meter_max,
        "minimum": settings.SUPPORTER_MIN_WEEKLY_HOURS,
        "any_below": any(row["below"] for row in weeks),
        "operating_hours": describe_operating_hours(supporter.tzinfo, hours=hours),
        "next_slots": list(open_slots[:UPCOMING_SLOTS_SHOWN]),
        "open_count": open_slots.count(),
        "listed": _is_listed(supporter),
        "horizon_weeks": settings.BOOKING_HORIZON // dt.timedelta(weeks=1),
    }
    return _page(request, "availability", "rule-form", context)


@supporter_required
@require_POST
def manage_rule_delete_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(AvailabilityRule, pk=rule_id, supporter=request.supporter)
    try:
        rule_delete(supporter=request.supporter, rule_id=rule.pk)
    except AvailabilityRule.DoesNotExist:
        raise Http404 from None  # removed by a second click in the meantime
    messages.success(
        request,
        f"Removed {_window_label(rule)}. Its open sessions are gone; sessions already booked stay booked.",
    )
    return redirect_page(request, "supporters:manage_availability")


# --- Time off -------------------------------------------------------------------------------


@supporter_required
@require_http_methods(["GET", "POST"])
def manage_time_off_view(request: HttpRequest) -> HttpResponse:
    supporter = request.supporter
    form = TimeOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            time_off_create(supporter=supporter, **form.cleaned_data)
        except AvailabilityError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your time off is saved. Seekers can't book you on those days.")
            return redirect_page(request, "supporters:manage_time_off")
    today = _today(supporter)
    context = {
        "title": "Your time off",
        "nav": "time_off",
        "supporter": supporter,
        "form": form,
        "time_off": time_off_list_ahead(supporter=supporter, today=today),
        "today": today,
    }
    return _page(request, "time_off", "time-off-form", context)


@supporter_required
@require_POST
def manage_time_off_delete_view(request: HttpRequest, time_off_id: int) -> HttpResponse:
    time_off = get_object_or_404(TimeOff, pk=time_off_id, supporter=request.supporter)
    try:
        time_off_delete(supporter=request.supporter, time_off_id=time_off.pk)
    except TimeOff.DoesNotExist:
        raise Http404 from None
    messages.success(request, "That time off is removed. Your usual weekly hours apply again on those days.")
    return redirect_page(request, "supporters:manage_time_off")


# --- Leave of absence -----------------------------------------------------------------------


@supporter_required
@require_http_methods(["GET", "POST"])
def manage_leave_view(request: HttpRequest) -> HttpResponse:
    supporter = request.supporter
    today = _today(supporter)
    form = LeaveForm(request.POST if request.method == "POST" else None, initial={"start_date": today})
    if request.method == "POST" and form.is_valid():
        try:
            leave = leave_start(supporter=supporter, **form.cleaned_data)
        except AvailabilityError as exc:
            form.add_error(None, exc.message)
        else:
            if leave.start_date <= today:
                text = "Your leave has started. Your profile is hidden and nobody can book a new session."
            else:
                text = "Your leave is planned. From its first day your profile is hidden."
            messages.success(request, text)
            return redirect_page(request, "supporters:manage_leave")
    leaves = leave_list_ahead(supporter=supporter, today=today)
    context = {
        "title": "Leave of absence",
        "nav": "leave",
        "supporter": supporter,
        "form": form,
        "leaves": [{"leave": leave, "current": leave.start_date <= today} for leave in leaves],
        "today": today,
    }
    return _page(request, "leave", "leave-form", context)


@supporter_required
@require_POST
def manage_leave_end_view(request: HttpRequest, leave_id: int) -> HttpResponse:
    """End a current leave today, or cancel a planned one."""
    supporter = request.supporter
    leave = get_object_or_404(LeaveOfAbsence, pk=leave_id, supporter=supporter)
    today = _today(supporter)
    if leave.end_date is not None and leave.end_date < today:
        messages.info(request, "That leave is already over.")
        return redirect_page(request, "supporters:manage_leave")
    try:
        leave_end(supporter=supporter, leave_id=leave.pk)
    except LeaveOfAbsence.DoesNotExist:
        raise Http404 from None
    if leave.start_date > today:
        messages.success(request, "Your planned leave is cancelled.")
    elif supporter.status == SupporterProfile.Status.ACTIVE:
        messages.success(
            request, "Welcome back. Your profile is in the directory again and seekers can book you."
        )
    else:
        messages.success(request, "Your leave has ended.")
    return redirect_page(request, "supporters:manage_leave")
