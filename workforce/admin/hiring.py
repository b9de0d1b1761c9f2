"""The hiring board in the admin (trainers and operations): applications with their stage, filters,
counts per stage, the staff's steps (one page per step that needs details) and bulk actions. Every step
calls a service; the stage is never edited as a field. Opening an application (its statements) and
downloading its resume or video are written to the access log."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from peersnet.errors import DomainError
from privacy.admin import SensitiveRecordAdmin

from .. import services
from ..forms.hiring import InterviewForm, OfferForm, RejectForm
from ..models import Application, ApplicationEvent, BackgroundCheckConsent
from ..selectors import hiring as selectors
from ..stages import OPEN, Stage


class StageAgeFilter(admin.SimpleListFilter):
    title = "time at this stage"
    parameter_name = "stage_age"
    BANDS = {
        "lt7": ("Less than a week", 0, 7),
        "7to14": ("1–2 weeks", 7, 14),
        "14to30": ("2–4 weeks", 14, 30),
        "gt30": ("More than 30 days", 30, None),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _lo, _hi) in self.BANDS.items()]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value())
        if band is None:
            return queryset
        _label, low, high = band
        now = timezone.now()
        queryset = queryset.filter(stage_changed_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(stage_changed_at__gt=now - dt.timedelta(days=high))
        return queryset


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_stage", "to_stage", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Step name -> (label, the stage it moves from, the form it asks for or None).
STEPS = {
    "confirm_session": ("Confirm the peer support session", Stage.SUBMITTED, None),
    "interview": ("Schedule the interview", Stage.VIDEO, InterviewForm),
    "offer": ("Make the contract offer", Stage.INTERVIEW, OfferForm),
    "clear": ("Background check cleared", Stage.CONSENT, None),
    "training": ("Send to training", Stage.CLEARED, None),
    "reject": ("Reject (sends a kind email)", None, RejectForm),
}


@admin.register(Application)
class ApplicationAdmin(SensitiveRecordAdmin):
    list_display = ("applicant", "stage_column", "state", "already_certified", "stage_age", "created_at")
    list_filter = ("stage", "state", "already_certified", StageAgeFilter)
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    list_per_page = 50
    ordering = ("stage_changed_at",)
    actions = ("move_to_next_step", "reject_selected")
    inlines = (EventInline,)
    secret_fields = ("phone", "availability", "lived_experience", "video_link")
    fieldsets = (
        ("Applicant", {"fields": ("applicant", "stage", "stage_changed_at", "already_certified", "state")}),
        (
            "What they told us",
            {"fields": ("phone", "commits_five_hours", "availability", "lived_experience", "resume_link")},
        ),
        ("Peer session and video", {"fields": ("peer_session_booking", "video_link", "video_file_link")}),
        (
            "Interview and offer",
            {
                "fields": (
                    "interview_at",
                    "interview_note",
                    "offer_rate_cents",
                    "offer_made_at",
                    "offer_accepted_at",
                    "consent_record",
                )
            },
        ),
    )
    readonly_fields = (
        "applicant",
        "stage",
        "stage_changed_at",
        "already_certified",
        "state",
        "phone",
        "commits_five_hours",
        "availability",
        "lived_experience",
        "resume_link",
        "peer_session_booking",
        "video_link",
        "video_file_link",
        "interview_at",
        "interview_note",
        "offer_rate_cents",
        "offer_made_at",
        "offer_accepted_at",
        "consent_record",
    )

    def sensitive_record_label(self, obj):
        return f"Application {obj.pk}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="applicant", ordering="user__email")
    def applicant(self, obj):
        name = obj.user.get_full_name() or obj.user.email
        return f"{name} <{obj.user.email}>" if name != obj.user.email else name

    @admin.display(description="stage", ordering="stage")
    def stage_column(self, obj):
        return obj.get_stage_display()

    @admin.display(description="at this stage", ordering="stage_changed_at")
    def stage_age(self, obj):
        days = (timezone.now() - obj.stage_changed_at).days
        return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"

    @admin.display(description="resume")
    def resume_link(self, obj):
        if not obj.resume_file:
            return "—"
        return format_html(
            '<a href="{}">Download the resume ({})</a>',
            reverse("workforce:resume", args=[obj.pk]),
            obj.resume_kind.upper(),
        )

    @admin.display(description="video file")
    def video_file_link(self, obj):
        if not obj.video_file:
            return "—"
        return format_html(
            '<a href="{}">Download the video</a>', reverse("workforce:video_file", args=[obj.pk])
        )

    @admin.display(description="background check consent")
    def consent_record(self, obj):
        consent = BackgroundCheckConsent.objects.filter(application=obj).first()
        if consent is None:
            return "—"
        when = timezone.localtime(consent.consented_at)
        where = consent.ip_address or "an unknown address"
        return f"{when:%Y-%m-%d %H:%M} from {where} (consent text {consent.text_version})"

    # --- The board: counts per stage over the list ---------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "stage_counts": selectors.application_counts_by_stage()}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        steps = []
        application = Application.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if application is not None and self.has_change_permission(request, application):
            for name, (label, from_stage, _form) in STEPS.items():
                if (from_stage is None and application.stage in OPEN) or application.stage == from_stage:
                    steps.append(
                        (label, reverse(f"admin:workforce_application_{name}", args=[application.pk]))
                    )
        extra_context = {**(extra_context or {}), "hiring_steps": steps}
        return super().change_view(request, object_id, form_url, extra_context)

    # --- One step on one application ---------------------------------------------------------------

    def get_urls(self):
        # One address per step (a literal part, so every id in a path goes through the id converter).
        return [
            *(
                path(
                    f"<id:application_id>/step/{step}/",
                    self.admin_site.admin_view(self.step_view),
                    {"step": step},
                    name=f"workforce_application_{step}",
                )
                for step in STEPS
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, application_id: int, step: str):
        if not (self.has_change_permission(request) and services.is_hiring_staff(request.user)):
            raise PermissionDenied
        if step not in STEPS:
            raise PermissionDenied
        application = get_object_or_404(Application.objects.select_related("user"), pk=application_id)
        label, _from_stage, form_class = STEPS[step]
        back = reverse("admin:workforce_application_change", args=[application.pk])
        form = form_class(request.POST if request.method == "POST" else None) if form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                self._take_step(request, application, step, form)
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return redirect(back)
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{label}: done for {self.applicant(application)}.")
                return redirect(back)
        return TemplateResponse(
            request,
            "admin/workforce/application/step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": label,
                "application": application,
                "applicant": self.applicant(application),
                "form": form,
                "back_url": back,
                "zone": timezone.get_current_timezone_name(),
            },
        )

    def _take_step(self, request, application, step, form):
        by, pk = request.user, application.pk
        if step == "confirm_session":
            services.peer_session_confirm(application_id=pk, by=by)
        elif step == "interview":
            services.interview_schedule(
                application_id=pk, by=by, at=form.cleaned_data["at"], note=form.cleaned_data["note"]
            )
        elif step == "offer":
            services.offer_make(application_id=pk, by=by, rate_cents=form.rate_cents())
        elif step == "clear":
            services.background_check_clear(application_id=pk, by=by)
        elif step == "training":
            services.application_to_training(application_id=pk, by=by)
        elif step == "reject":
            services.application_reject(application_id=pk, by=by, note=form.cleaned_data["note"])

    # --- Bulk actions ----------------------------------------------------------------------------

    def _bulk(self, request, queryset, do, done_text):
        moved, refused = [], []
        for application in queryset.select_related("user").order_by("pk"):
            try:
                do(application)
            except DomainError as exc:
                refused.append(f"{self.applicant(application)}: {exc.message}")
            else:
                moved.append(self.applicant(application))
        if moved:
            messages.success(request, f"{done_text}: {', '.join(moved)}.")
        for line in refused:
            messages.error(request, line)

    @admin.action(description="Move selected to their next step", permissions=["change"])
    def move_to_next_step(self, request, queryset):
        if not services.is_hiring_staff(request.user):
            raise PermissionDenied
        self._bulk(
            request,
            queryset,
            lambda a: services.application_advance(application_id=a.pk, by=request.user),
            "Moved to their next step",
        )

    @admin.action(description="Reject selected (sends each a kind email)", permissions=["change"])
    def reject_selected(self, request, queryset):
        if not services.is_hiring_staff(request.user):
            raise PermissionDenied
        self._bulk(
            request,
            queryset,
            lambda a: services.application_reject(application_id=a.pk, by=request.user),
            "Rejected, with a kind email",
        )


@admin.register(BackgroundCheckConsent)
class BackgroundCheckConsentAdmin(admin.ModelAdmin):
    list_display = ("application", "consented_at", "ip_address", "text_version")
    readonly_fields = ("application", "consented_at", "ip_address", "text_version")
    list_select_related = ("application__user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
