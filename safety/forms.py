from django import forms

from .models import CrisisFlag
from .services.flags import REASON_MAX


class FlagCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What was done", choices=CrisisFlag.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Note",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for \u201cNo action needed\u201d: say why. Only supervisors see it.",
    )
