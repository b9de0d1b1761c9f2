"""The shape of what people send to safety's pages; the rules live in safety.services."""

from django import forms

from .models.plans import PLAN_SECTIONS
from .services.plans import SECTION_MAX_LENGTH


class PlanForm(forms.Form):
    """One textarea per section (one item a line) and the version the writer started from."""

    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, heading, help_text in PLAN_SECTIONS:
            self.fields[key] = forms.CharField(
                label=heading,
                help_text=help_text + " One item a line.",
                required=False,
                max_length=SECTION_MAX_LENGTH,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key, _heading, _help in PLAN_SECTIONS}

    def clean(self):
        cleaned = super().clean()
        if "base_version" in self._errors:  # a hidden field: its error would show nowhere
            del self._errors["base_version"]
            raise forms.ValidationError(
                "This page was out of date, so nothing was saved. Please open the plan again and make your "
                "change there.",
                code="stale",
            )
        return cleaned
