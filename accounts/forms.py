from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .age import is_eligible_seeker_age, today_in
from .models import User
from .pending import pending_signup_email
from .timezones import timezone_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("help_text", _("We show every time in this zone. We guessed it from your device."))
        super().__init__(choices=timezone_choices, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "Choose a time zone from the list, such as America/Chicago."
        )
        self.widget.attrs["data-autofill-tz"] = ""


class SeekerSignupForm(forms.Form):
    """The seeker part of sign-up. allauth adds email and password; peersnet.account_adapter saves the user.

    The age rule is checked here, so a refused date of birth creates nothing.
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        help_text=_("Or the name you'd like your supporter to use."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Please tell us what to call you.")},
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(attrs={"autocomplete": "bday"}),
        help_text=_("peersnet is for people aged 18 to 30."),
        error_messages={"invalid": _("Enter your date of birth as a date, for example 2001-04-27.")},
    )
    time_zone = TimeZoneField(initial=settings.DEFAULT_USER_TIME_ZONE)
    agree_terms = forms.BooleanField(
        label=_(
            "I understand that peer support is not therapy or crisis care, that supporters are mandatory "
            "reporters, and I agree to the terms of use."
        ),
        error_messages={"required": _("Please read and agree to this before creating your account.")},
    )

    field_order = [
        "first_name",
        "email",
        "password1",
        "password2",
        "date_of_birth",
        "time_zone",
        "agree_terms",
    ]

    age_refused = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The address a gift was sent to, when the visitor came from its claim link (accounts.pending).
        # allauth builds this form without the request; its request context holds it.
        if not self.is_bound and not self.initial.get("email"):
            email = pending_signup_email(allauth_context.request)
            if email:
                self.initial["email"] = email

    def clean_first_name(self) -> str:
        name = self.cleaned_data["first_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please tell us what to call you."), code="required")
        return name

    def clean(self):
        cleaned = super().clean()
        dob = cleaned.get("date_of_birth")
        tz = cleaned.get("time_zone") or settings.DEFAULT_USER_TIME_ZONE
        if dob is None:
            return cleaned
        if dob > today_in(tz):
            self.add_error("date_of_birth", _("That date is in the future. Please check your date of birth."))
        elif dob.year < timezone.now().year - 120:
            self.add_error("date_of_birth", _("Please check the year of your date of birth."))
        elif not is_eligible_seeker_age(dob, tz):
            self.age_refused = True
            self.add_error(
                "date_of_birth",
                _(
                    "Thank you for reaching out. peersnet sessions are for people aged 18 to 30, so we "
                    "can't create an account for you. The resources below can help."
                ),
            )
        return cleaned

    def signup(self, request, user) -> None:
        """Required by allauth. The fields are saved in AccountAdapter.save_user, in one transaction."""


class AccountForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["first_name", "time_zone"]
        labels = {"first_name": _("First name")}
        error_messages = {"first_name": {"required": _("Please tell us what to call you.")}}

    def clean_first_name(self) -> str:
        name = self.cleaned_data["first_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please tell us what to call you."), code="required")
        return name
