"""Staff admin for supporters: profiles with their availability, the tag vocabulary, operating hours
and the slot inventory (read-only).

Every change that affects availability goes through the slot services afterwards, so what seekers can
book always matches what staff saved.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.timezones import timezone_choices
from peersnet.kernel.enqueue import enqueue_on_commit
from peersnet.kernel.ids import ADMIN_ID_FIELD_OVERRIDES, parse_id
from peersnet.kernel.money import format_cents

from .availability import Window, hour_starts, local_instant, windows_overlap, within_operating_hours
from .models import AvailabilityRule, LeaveOfAbsence, OperatingHours, Slot, SupporterProfile, Tag, TimeOff
from .selectors import supporter_list_below_minimum
from .services import (
    describe_operating_hours,
    directory_changed,
    operating_hours,
    ops_zone,
    slots_regenerate,
)
from .tasks import regenerate_all_slots

# --- Supporters --------------------------------------------------------------------------------


def _outside_operating_hours(window: Window, tz) -> bool:
    """True when any hour of the window falls outside operating hours on some day of the horizon
    (the same test the supporter's own availability page applies)."""
    hours, ops = operating_hours(), ops_zone()
    today = timezone.now().astimezone(tz).date()
    first = today + dt.timedelta(days=(window.weekday - today.weekday()) % 7)
    for week in range(settings.BOOKING_HORIZON // dt.timedelta(weeks=1) + 1):
        day = first + dt.timedelta(weeks=week)
        for wall in hour_starts(window):
            start = local_instant(day, wall, tz)
            if start is not None and not within_operating_hours(start, hours, ops):
                return True
    return False


class RuleInlineFormSet(BaseInlineFormSet):
    """Weekly windows edited by staff obey the same rules as the supporter's own editor."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        tz = self.instance.tzinfo
        kept: list[Window] = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            window = Window(data["weekday"], data["start_time"], data["end_time"])
            if not any(True for _hour in hour_starts(window)):
                form.add_error(
                    "end_time",
                    _(
                        "A window needs room for at least one full hour starting on the hour, "
                        "like 17:00–18:00."
                    ),
                )
            elif any(windows_overlap(window, other) for other in kept):
                form.add_error("start_time", _("This window overlaps another window on the same day."))
            elif _outside_operating_hours(window, tz):
                form.add_error(
                    None,
                    _("Sessions can only happen within operating hours: %(hours)s.")
                    % {"hours": describe_operating_hours(tz)},
                )
            kept.append(window)


class RuleInlineForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            # On the field, so the database constraint's generic message is not shown as well.
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


class DateRangeInlineForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day must be on or after the first day."))
        return data


class AvailabilityRuleInline(admin.TabularInline):
    model = AvailabilityRule
    form = RuleInlineForm
    formset = RuleInlineFormSet
    extra = 0
    fields = ["weekday", "start_time", "end_time"]


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    form = DateRangeInlineForm
    extra = 0
    fields = ["start_date", "end_date", "note"]


class LeaveOfAbsenceInline(admin.TabularInline):
    model = LeaveOfAbsence
    form = DateRangeInlineForm
    extra = 0
    fields = ["start_date", "end_date"]


class TagListFilter(admin.SimpleListFilter):
    """One tag, with the tags grouped by kind ("Identity: Queer")."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        kinds = dict(Tag.Kind.choices)
        return [
            (str(tag.pk), f"{kinds.get(tag.kind, tag.kind)}: {tag.name}")
            for tag in Tag.objects.order_by("kind", "display_order", "name")
        ]

    def queryset(self, request, queryset):
        tag_id = parse_id(self.value())
        if tag_id is not None:
            return queryset.filter(tags__pk=tag_id)
        return queryset


class TagKindListFilter(admin.SimpleListFilter):
    """Supporters who picked at least one tag of a kind (e.g. anyone who listed a language)."""

    title = _("tag kind")
    parameter_name = "tag_kind"

    def lookups(self, request, model_admin):
        return Tag.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Tag.Kind.values:
            tagged = SupporterProfile.tags.through.objects.filter(
                supporterprofile_id=OuterRef("pk"), tag__kind=self.value()
            )
            return queryset.filter(Exists(tagged))
        return queryset


class WeeklyHoursListFilter(admin.SimpleListFilter):
    """Staff's list of supporters below the weekly minimum, with their lowest week's hours."""

    title = _("weekly hours (next 4 weeks)")
    parameter_name = "weekly_hours"
    BELOW = "below_minimum"

    def lookups(self, request, model_admin):
        return [(self.BELOW, _("Below the %(hours)s-hour minimum") % {"hours": _min_hours()})]

    def queryset(self, request, queryset):
        if self.value() != self.BELOW:
            return queryset
        lowest = {supporter.pk: hours for supporter, hours in supporter_list_below_minimum(weeks=4)}
        if not lowest:
            return queryset.none()
        return queryset.filter(pk__in=lowest).annotate(
            lowest_weekly_hours=Case(
                *[When(pk=pk, then=Value(hours)) for pk, hours in lowest.items()],
                output_field=IntegerField(),
            )
        )


def _min_hours() -> int:
    return settings.SUPPORTER_MIN_WEEKLY_HOURS


class SupporterProfileForm(forms.ModelForm):
    time_zone = forms.TypedChoiceField(label=_("Time zone"), choices=timezone_choices)

    class Meta:
        model = SupporterProfile
        fields = [
            "user",
            "display_name",
            "pronouns",
            "status",
            "time_zone",
            "intro",
            "story",
            "tags",
            "hourly_pay_cents",
        ]
        help_texts = {"hourly_pay_cents": _("In cents: 2500 is $25.00 an hour. Only staff see this.")}


@admin.register(SupporterProfile)
class SupporterProfileAdmin(admin.ModelAdmin):
    form = SupporterProfileForm
    list_display = ["display_name", "user_email", "status", "time_zone", "is_listed", "hourly_pay"]
    list_filter = ["status", TagKindListFilter, TagListFilter, WeeklyHoursListFilter]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__email", "intro"]
    filter_horizontal = ["tags"]
    autocomplete_fields = ["user"]
    formfield_overrides = ADMIN_ID_FIELD_OVERRIDES
    # Photos come only through the supporter's own page, which checks, resizes and strips them.
    readonly_fields = ["photo_small", "photo_medium", "photo_large", "created_at", "updated_at"]
    inlines = [AvailabilityRuleInline, TimeOffInline, LeaveOfAbsenceInline]
    actions = ["regenerate_slots"]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "pronouns", "status", "time_zone"]}),
        (_("What seekers read"), {"fields": ["intro", "story", "tags"]}),
        (_("Photo"), {"fields": ["photo_small", "photo_medium", "photo_large"], "classes": ["collapse"]}),
        (_("Staff only"), {"fields": ["hourly_pay_cents", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupporterProfile]:
        listed = SupporterProfile.objects.listed().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(listed=Exists(listed))

    def get_list_display(self, request: HttpRequest):
        columns = list(super().get_list_display(request))
        if request.GET.get(WeeklyHoursListFilter.parameter_name) == WeeklyHoursListFilter.BELOW:
            columns.append("lowest_weekly_hours")
        return columns

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, obj: SupporterProfile) -> str:
        return obj.user.email

    @admin.display(description=_("listed?"), boolean=True, ordering="listed")
    def is_listed(self, obj: SupporterProfile) -> bool:
        return bool(getattr(obj, "listed", False))

    @admin.display(description=_("hourly pay"), ordering="hourly_pay_cents")
    def hourly_pay(self, obj: SupporterProfile) -> str:
        return format_cents(obj.hourly_pay_cents)

    @admin.display(description=_("lowest weekly hours"))
    def lowest_weekly_hours(self, obj: SupporterProfile) -> int | str:
        hours = getattr(obj, "lowest_weekly_hours", None)
        return "–" if hours is None else hours

    def save_related(self, request, form, formsets, change) -> None:
        """After rules, time off, leave or status change, the open slots follow at once."""
        super().save_related(request, form, formsets, change)
        slots_regenerate(supporter_id=form.instance.pk)

    @admin.action(description=_("Regenerate slots"), permissions=["change"])
    def regenerate_slots(self, request: HttpRequest, queryset: QuerySet[SupporterProfile]) -> None:
        created = removed = 0
        ids = list(queryset.values_list("pk", flat=True))
        for supporter_id in ids:
            result = slots_regenerate(supporter_id=supporter_id)
            created += result.created
            removed += result.removed
        self.message_user(
            request,
            ngettext(
                "Slots regenerated for %(count)d supporter: %(created)d added, %(removed)d removed.",
                "Slots regenerated for %(count)d supporters: %(created)d added, %(removed)d removed.",
                len(ids),
            )
            % {"count": len(ids), "created": created, "removed": removed},
            messages.SUCCESS,
        )


# --- Tags -------------------------------------------------------------------------------------


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["kind", "name", "slug", "display_order"]
    list_display_links = ["name"]
    list_editable = ["display_order"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["kind", "display_order", "name"]

    # Cards show topic names (their cache keys carry the names shown); result pages are dropped here.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        directory_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        directory_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        directory_changed()


# --- Operating hours ------------------------------------------------------------------------------


@admin.register(OperatingHours)
class OperatingHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]
    ordering = ["weekday"]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if request.method == "GET" and not OperatingHours.objects.exists():
            self.message_user(
                request,
                _(
                    "No hours are saved here, so the defaults apply: %(hours)s. Once you save any day, "
                    "only the days listed here are open, so add every day sessions may happen."
                )
                % {"hours": describe_operating_hours(ops_zone())},
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    def _regenerate_everyone(self, request: HttpRequest) -> None:
        # One task for everyone after the admin's transaction commits; eager in development.
        # The broker is down: the daily roll sees hours unlike its last run's and regenerates everyone.
        enqueue_on_commit(regenerate_all_slots)
        self.message_user(
            request,
            _(
                "Every supporter's open slots are being updated to the new hours. Booked and requested "
                "sessions stay as they are. This can take a minute."
            ),
            messages.INFO,
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._regenerate_everyone(request)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._regenerate_everyone(request)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        self._regenerate_everyone(request)


# --- Slots (read-only) ------------------------------------------------------------------------------


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Slots are made by the rules and taken by bookings, never edited by hand."""

    list_display = ["supporter", "start", "end", "status"]
    list_filter = ["status"]
    date_hierarchy = "start"
    list_select_related = ["supporter"]
    search_fields = ["supporter__display_name"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
