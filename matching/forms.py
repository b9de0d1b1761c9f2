"""The questionnaire's screens (one question each), the request to our team, and "I know this person"."""

from django import forms

from supporters.models import Tag

from .models import TimeOfDay

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class _TagsForm(forms.Form):
    kind: str = ""
    field_name: str = ""
    label = ""
    help_text = ""

    def __init__(self, *args, tags: list[Tag], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.field_name] = forms.TypedMultipleChoiceField(
            label=self.label,
            help_text=self.help_text,
            required=False,
            coerce=int,
            choices=[(tag.pk, tag.name) for tag in tags if tag.kind == self.kind],
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields[self.field_name].error_messages["invalid_choice"] = "Please choose from the list."

    def values(self) -> dict:
        return {self.field_name: self.cleaned_data[self.field_name]}


class TopicsForm(_TagsForm):
    kind, field_name = Tag.Kind.TOPIC, "topics"
    label = "What would you like support with?"
    help_text = "Choose any that fit. You can skip this."


class ExperienceForm(_TagsForm):
    kind, field_name = Tag.Kind.TOPIC, "experience"
    label = "Lived experience you'd value in a supporter"
    help_text = "Someone who has been through something similar. Choose any that fit, or skip."


class IdentitiesForm(_TagsForm):
    kind, field_name = Tag.Kind.IDENTITY, "identities"
    label = "Identities that matter to you in a supporter"
    help_text = "Optional. We only use this to suggest supporters."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_prefer_not"] = forms.BooleanField(label="I'd prefer not to say", required=False)

    def clean(self):
        data = super().clean()
        if data.get("identity_prefer_not"):
            data["identities"] = []
        return data

    def values(self) -> dict:
        return {
            "identities": self.cleaned_data["identities"],
            "identity_prefer_not": self.cleaned_data["identity_prefer_not"],
        }


class LanguagesForm(_TagsForm):
    kind, field_name = Tag.Kind.LANGUAGE, "languages"
    label = "Which languages would you like your sessions in?"
    help_text = "Choose any. You can skip this."


class WhenForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label="Days that suit you",
        required=False,
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.MultipleChoiceField(
        label="Times of day that suit you",
        required=False,
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, zone_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if zone_label:
            self.fields["times"].help_text = f"In your time zone ({zone_label})."

    def values(self) -> dict:
        return {"days": self.cleaned_data["days"], "times": self.cleaned_data["times"]}


class AnythingElseForm(forms.Form):
    anything_else = forms.CharField(
        label="Anything else you'd like us to know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional. Only our matching team reads this, if you ask them to suggest someone; it "
        "is stored encrypted and never sent by email.",
    )

    def values(self) -> dict:
        return {"anything_else": self.cleaned_data["anything_else"]}


#: The questionnaire, one screen each, in order: (form class, heading).
STEPS = [
    (TopicsForm, "Support"),
    (ExperienceForm, "Lived experience"),
    (IdentitiesForm, "Identity"),
    (LanguagesForm, "Language"),
    (WhenForm, "Days and times"),
    (AnythingElseForm, "Anything else"),
]


class TeamRequestForm(forms.Form):
    note = forms.CharField(
        label="What should our team know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional: what you're looking for in a supporter. Only our matching team reads it, and "
        "it is never sent by email.",
    )
