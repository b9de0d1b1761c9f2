"""Staff's queue of requests to our team: oldest deadline first, time left or overdue, the seeker's
questionnaire answers, and up to three supporters with a note each (saved through the service, which
checks each pick and emails the seeker)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.timezones import format_when
from privacy.access import record_read
from supporters.models import SupporterProfile

from . import services
from .models import MatchAnswers, TeamRequest, TeamSuggestion
from .policy import describe_time_left
from .selectors import answer_tags, describe_preferred_times


class TeamSuggestionFormSet(forms.BaseInlineFormSet):
    def picks(self) -> list[tuple[int, str]]:
        return [
            (form.cleaned_data["supporter"].pk, form.cleaned_data.get("note", ""))
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("supporter")
            and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if self.instance.status != TeamRequest.Status.OPEN or any(self.errors):
            return
        try:
            services.team_request_check_picks(team_request=self.instance, picks=self.picks())
        except services.MatchingError as exc:
            raise ValidationError(exc.message) from None


class TeamSuggestionInline(admin.StackedInline):
    model = TeamSuggestion
    formset = TeamSuggestionFormSet
    fields = ["supporter", "note"]
    extra = 3
    max_num = services.MAX_TEAM_SUGGESTIONS
    can_delete = False
    verbose_name = "suggested supporter"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "supporter":
            kwargs["queryset"] = SupporterProfile.objects.listed().order_by("display_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.status != TeamRequest.Status.OPEN else self.extra

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == TeamRequest.Status.OPEN
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TeamRequest)
class TeamRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "created", "due", "time_left"]
    list_filter = ["status"]
    list_select_related = ["seeker__user"]
    # Open requests first, each group by deadline (the most urgent on top).
    ordering = [
        Case(
            When(status=TeamRequest.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        "due_at",
    ]
    search_fields = ["seeker__user__email"]
    fields = ["seeker", "status", "created", "due", "time_left", "note", "questionnaire", "answered"]
    readonly_fields = fields
    inlines = [TeamSuggestionInline]

    # The operations role matches seekers by hand: its permissions are in privacy/roles.py's table.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a request shows the seeker's note and free-text answer: the read is logged."""
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and obj is not None:
            record_read(request=request, obj=obj, record=f"Request to our team {obj.pk}")
        return response

    @admin.display(description="asked")
    def created(self, obj: TeamRequest) -> str:
        return format_when(obj.created_at, timezone.get_current_timezone())

    @admin.display(description="answer by", ordering="due_at")
    def due(self, obj: TeamRequest) -> str:
        return format_when(obj.due_at, timezone.get_current_timezone())

    @admin.display(description="time left")
    def time_left(self, obj: TeamRequest) -> str:
        if obj.status != TeamRequest.Status.OPEN:
            late = obj.answered_at and obj.answered_at > obj.due_at
            return "Answered late" if late else "Answered in time"
        text = describe_time_left(obj.due_at, timezone.now())
        return format_html("<strong>{}</strong>", text) if text.startswith("Overdue") else text

    @admin.display(description="answered")
    def answered(self, obj: TeamRequest) -> str:
        if not obj.answered_at:
            return "Not yet"
        return f"{format_when(obj.answered_at, timezone.get_current_timezone())} by {obj.answered_by or '—'}"

    @admin.display(description="questionnaire answers")
    def questionnaire(self, obj: TeamRequest) -> str:
        answers = MatchAnswers.objects.filter(seeker_id=obj.seeker_id).first()
        if answers is None:
            return "They haven't taken the questionnaire."
        tags = answer_tags(answers)
        rows = [
            ("Support with", ", ".join(t.name for t in tags["topics"]) or "—"),
            ("Lived experience they value", ", ".join(t.name for t in tags["experience"]) or "—"),
            (
                "Identities",
                "Prefers not to say"
                if answers.identity_prefer_not
                else ", ".join(t.name for t in tags["identities"]) or "—",
            ),
            ("Languages", ", ".join(t.name for t in tags["languages"]) or "—"),
            (
                "Days and times",
                f"{describe_preferred_times(answers.days, answers.times)} ({answers.time_zone})"
                if answers.days or answers.times
                else "—",
            ),
            ("Anything else", answers.anything_else or "—"),
        ]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    def save_formset(self, request, form, formset, change):
        """The picks go through the service (checks, the seeker's email), never straight to the table."""
        if isinstance(formset, TeamSuggestionFormSet):
            picks = formset.picks()
            if picks and form.instance.status == TeamRequest.Status.OPEN:
                services.team_request_answer(request_id=form.instance.pk, by=request.user, picks=picks)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)
