"""Training forms: the shape of input only; the rules are in ``services.training``."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from peersnet.kernel.ids import IdModelChoiceField
from supporters.models import SupporterProfile

from ..models import Application


class ApplicationChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Application) -> str:
        return f"{obj.user.get_full_name()} ({obj.user.email})"


class EnrolForm(forms.Form):
    application = ApplicationChoiceField(
        queryset=Application.objects.none(), label="Applicant at the training step", empty_label="Choose…"
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Who was there", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(e.pk), e.application.user.get_full_name()) for e in enrolments]


class CourseworkForm(forms.Form):
    hours = forms.DecimalField(
        label="Hours to add",
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        decimal_places=2,
        help_text="For example 2.5",
    )
    note = forms.CharField(label="What the hours were for", max_length=200)

    @property
    def minutes(self) -> int:
        return int(self.cleaned_data["hours"] * 60)


class SupporterChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: SupporterProfile) -> str:
        return obj.display_name


class PracticeForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=8 * 60, help_text="For example 60")
    experienced_supporter = SupporterChoiceField(
        queryset=SupporterProfile.objects.none(), label="Experienced supporter", empty_label="Choose…"
    )
    reflection = forms.CharField(
        label="Reflection",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What you practised and what you learned. Only you and the supervisors read this.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experienced_supporter"].queryset = (
            SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE)
            .exclude(user=user)
            .order_by("display_name")
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: these hours count"), ("return", "Return with feedback")],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label="Feedback for the trainee",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you return a log: say what should change.",
    )


class CompleteForm(forms.Form):
    name = forms.CharField(label="Name as it should print on the certificate", max_length=120)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code", max_length=40, help_text="For example 7K3M-Q9TR-2XWB-HN4D"
    )
