from django import forms

from .models import WEEKDAY_NAMES, hour_label

WEEKDAYS = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


class WaitlistForm(forms.Form):
    """The days and hours that suit the seeker, in their own zone."""

    weekdays = forms.MultipleChoiceField(
        label="Days that suit you",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day."},
    )
    from_hour = forms.TypedChoiceField(
        label="From", coerce=int, choices=[(h, hour_label(h)) for h in range(0, 24)], initial=9
    )
    until_hour = forms.TypedChoiceField(
        label="Until", coerce=int, choices=[(h, hour_label(h)) for h in range(1, 25)], initial=21
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("from_hour"), data.get("until_hour")
        if start is not None and end is not None and start >= end:
            self.add_error("until_hour", "Choose an end after the start.")
        return data
