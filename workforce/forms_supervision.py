"""The shape of supervisors' input: scheduling and recording a session."""

from django import forms

from .models import SupervisionSession
from .selectors import supervision as selectors


class SupporterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=SupervisionSession.Kind.choices, widget=forms.RadioSelect)
    supporters = SupporterChoiceField(
        label="Supporters",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="One supporter for a 1:1; any number for a group.",
    )
    starts_at = forms.DateTimeField(
        label="Starts at (your time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=15,
        max_value=240,
        initial=60,
        help_text="A 1:1 lasts 30 or 60 minutes.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = selectors.supporter_choices()


class RecordForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who attended", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only supervisors read these. Supporters see dates and durations, never the notes.",
    )

    def __init__(self, *args, session: SupervisionSession, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (str(a.supporter_id), a.supporter.display_name) for a in session.attendances.all()
        ]
