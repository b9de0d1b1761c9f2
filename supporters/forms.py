"""Input shapes for the supporter's own pages. Rules (overlaps, operating hours, dates) live in services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput, TimeZoneField
from peersnet.kernel.ids import IdModelMultipleChoiceField

from .models import AvailabilityRule, SupporterProfile, Tag
from .photos import process_photo

MIDNIGHT = dt.time(23, 59)  # how rules store "until the end of the day"


class PlainTextField(forms.CharField):
    """Text from a textarea. Browsers send line breaks as CRLF but count them as one character
    against ``maxlength``; normalising first keeps the two limits the same."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def _model_max_length(name: str) -> int:
    return SupporterProfile._meta.get_field(name).max_length


class ProfileForm(forms.Form):
    """What a supporter says about themselves. Pay and status are staff-only and not fields here."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=_model_max_length("display_name"),
        help_text=_("The name seekers see, such as your first name."),
        error_messages={"required": _("Please tell seekers what to call you.")},
    )
    pronouns = forms.CharField(
        label=_("Pronouns"),
        max_length=_model_max_length("pronouns"),
        required=False,
        help_text=_("For example: she/her, he/him, they/them."),
    )
    intro = PlainTextField(
        label=_("Short intro"),
        max_length=_model_max_length("intro"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences for your card in the directory. Up to 280 characters."),
    )
    story = PlainTextField(
        label=_("My story"),
        max_length=_model_max_length("story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Your lived experience, in your own words, as much as you are comfortable sharing. "
            "Up to 4,000 characters."
        ),
    )
    time_zone = TimeZoneField(
        help_text=_("Your weekly hours are in this zone. Changing it keeps the same hours on the clock.")
    )
    tags = IdModelMultipleChoiceField(
        label=_("What fits you"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seekers can filter the directory by these. Choose the ones that fit you."),
        error_messages={
            "invalid_choice": _("One of the choices is no longer available. Please choose again."),
            "invalid_pk_value": _("One of the choices is no longer available. Please choose again."),
        },
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "A JPEG, PNG or WebP image up to 5 MB. We crop it to a square and remove hidden details "
            "such as where it was taken."
        ),
    )

    def __init__(self, *args, supporter: SupporterProfile, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "display_name": supporter.display_name,
                "pronouns": supporter.pronouns,
                "intro": supporter.intro,
                "story": supporter.story,
                "time_zone": supporter.time_zone,
                "tags": [tag.pk for tag in supporter.tags.all()],
            },
        )
        super().__init__(*args, **kwargs)
        # The saved zone is the answer here; don't let the page guess it from the device.
        self.fields["time_zone"].widget.attrs.pop("data-autofill-tz", None)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please tell seekers what to call you."), code="required")
        return name

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return process_photo(upload)  # raises ValidationError with a message for the person

    def tag_groups(self) -> list[tuple[str, str, list]]:
        """The tag checkboxes grouped by kind, in the order of ``Tag.Kind``: (kind, label, widgets)."""
        by_kind: dict[str, list] = {kind: [] for kind in Tag.Kind.values}
        for widget in self["tags"]:
            by_kind[widget.data["value"].instance.kind].append(widget)
        return [(kind, Tag.Kind(kind).label, widgets) for kind, widgets in by_kind.items() if widgets]


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def _hour_words(hour: int) -> str:
    """The site's 12-hour clock: 9 -> "9:00 AM", 12 -> "12:00 PM" (noon), 24 -> "Midnight"."""
    if hour in (0, 24):
        return str(_("Midnight"))
    return f"{(hour - 1) % 12 + 1}:00 {'AM' if hour < 12 else 'PM'}"


START_CHOICES = [(_hour_label(h), _hour_words(h)) for h in range(24)]
END_CHOICES = [(_hour_label(h), _hour_words(h)) for h in range(1, 24)] + [("24:00", _("Midnight"))]


def _to_time(value: str) -> dt.time:
    if value == "24:00":
        return MIDNIGHT
    return dt.time(int(value[:2]))


class RuleForm(forms.Form):
    """A weekly window in the supporter's zone, in whole hours."""

    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=AvailabilityRule.Weekday.choices, coerce=int, initial=0
    )
    start_time = forms.TypedChoiceField(
        label=_("From"), choices=START_CHOICES, coerce=_to_time, initial="17:00"
    )
    end_time = forms.TypedChoiceField(label=_("Until"), choices=END_CHOICES, coerce=_to_time, initial="20:00")

    def __init__(self, *args, allowed=None, **kwargs):
        """``allowed`` (supporters.services.OperatingChoices): offer only the days and hours inside the
        operating window in the supporter's zone."""
        super().__init__(*args, **kwargs)
        if allowed is None:
            return
        days = dict(AvailabilityRule.Weekday.choices)
        self.fields["weekday"].choices = [(d, days[d]) for d in allowed.weekdays]
        self.fields["start_time"].choices = [(_hour_label(h), _hour_words(h)) for h in allowed.start_hours]
        self.fields["end_time"].choices = [
            ("24:00" if h == 24 else _hour_label(h), _hour_words(h)) for h in allowed.end_hours
        ]
        for name in ("weekday", "start_time", "end_time"):
            values = [str(value) for value, _label in self.fields[name].choices]
            if values and str(self.fields[name].initial) not in values:
                self.fields[name].initial = values[0] if name != "end_time" else values[-1]


class TimeOffForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day off"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date, for example 2026-12-24.")},
    )
    end_date = forms.DateField(
        label=_("Last day off"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date, for example 2026-12-26.")},
    )
    note = forms.CharField(
        label=_("Note to yourself"),
        max_length=120,
        required=False,
        help_text=_("Only you and the peersnet team see this."),
    )


class LeaveForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day of leave"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date, for example 2026-12-01.")},
    )
    end_date = forms.DateField(
        label=_("Last day of leave"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave it empty if you don't know yet. You can end your leave here at any time."),
        error_messages={"invalid": _("Enter a date, for example 2027-01-31.")},
    )
