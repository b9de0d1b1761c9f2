"""The shape of input for mandatory reports and backup requests (the rules are in safety.services)."""

from django import forms

from .models import ConcernType


class ReportForm(forms.Form):
    booking = forms.TypedChoiceField(
        label="Which session is this about?",
        coerce=int,
        help_text="Choose the session or conversation's latest session.",
    )
    concern_type = forms.ChoiceField(
        label="What is the concern?", choices=ConcernType.choices, widget=forms.RadioSelect
    )
    disclosed = forms.CharField(
        label="What was disclosed",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In the person's words where you can, with when and how you heard it.",
    )
    steps_taken = forms.CharField(
        label="What you have done so far",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: called 911, gave the 988 number, stayed with them, spoke to your supervisor.",
    )

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].choices = [
            (b.pk, f"{b.seeker.user.get_short_name()} · {b.start:%a %-d %b %Y, %-I:%M %p}") for b in bookings
        ]
        self.fields["booking"].error_messages["invalid_choice"] = "Please choose one of your sessions."


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Add to this report",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A correction or something you learned since. The report itself stays as you filed it.",
    )


class ReportedForm(forms.Form):
    agency_name = forms.CharField(label="Agency reported to", max_length=300)
    reference = forms.CharField(label="Reference number the agency gave", max_length=200)
    reported_at = forms.DateTimeField(
        label="When it was reported",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your time zone.",
    )


class NotReportedForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not being reported",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A second supervisor has to confirm this before the report is closed.",
    )


class BackupForm(forms.Form):
    note = forms.CharField(
        label="Anything the supervisor should know first",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
