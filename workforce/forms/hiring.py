"""The shapes of the hiring forms: the application, the applicant's steps and the staff's steps."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.age import age_on

from .. import files
from ..us_states import US_STATES

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ApplyForm(forms.Form):
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text="So we can reach you about interviews. We never share it.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    state = forms.ChoiceField(label="State you live in", choices=[("", "Choose your state"), *US_STATES])
    commits_five_hours = forms.BooleanField(
        label="I can offer at least 5 hours of session time a week.",
        required=True,
        error_messages={"required": "Supporters offer at least 5 hours a week. Please confirm you can."},
    )
    availability = forms.CharField(
        label="When are you usually available?",
        max_length=2000,
        help_text="Days and times that tend to work for you, in your own words.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lived_experience = forms.CharField(
        label="Your lived experience",
        max_length=4000,
        help_text="Share as much or as little as you're comfortable with: what you've been through, and "
        "what helped. Only our hiring team reads this.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    already_certified = forms.TypedChoiceField(
        label="Are you already trained or certified as a peer support specialist?",
        choices=[("no", "No, not yet"), ("yes", "Yes, I am")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    resume = forms.FileField(
        label="Your resume",
        help_text="A PDF or Word (.docx) file, up to 5 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, ask_birth_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_birth_date:
            self.fields["date_of_birth"] = forms.DateField(
                label="Your date of birth",
                help_text="Supporters are adults (18 or older). We use this only to check that.",
                widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
            )
            self.order_fields(["date_of_birth"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if age_on(born, timezone.localdate()) < 18:
            raise ValidationError("Supporters must be 18 or older.")
        return born

    def clean_resume(self):
        data, sniffed = files.check_resume(self.cleaned_data["resume"])
        return data, sniffed.kind


class PeerSessionForm(forms.Form):
    booking = forms.ModelChoiceField(
        label="Your free peer support session",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].queryset = bookings
        zone = timezone.get_current_timezone()

        def label(booking) -> str:
            start = booking.start.astimezone(zone)
            return f"{start:%A %B} {start.day}, with {booking.supporter.display_name}"

        self.fields["booking"].label_from_instance = label


class VideoForm(forms.Form):
    how = forms.ChoiceField(
        label="How would you like to send it?",
        choices=[("link", "Share a link"), ("upload", "Upload a video file")],
        widget=forms.RadioSelect,
        initial="link",
    )
    link = forms.URLField(
        label="Link to your video",
        required=False,
        assume_scheme="https",
        help_text="A private or unlisted link that starts with https://, for example on YouTube, Vimeo "
        "or a shared drive.",
    )
    video = forms.FileField(
        label="Video file",
        required=False,
        help_text="MP4, MOV or WebM, up to 200 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
    )

    def clean(self):
        cleaned = super().clean()
        how, link, video = cleaned.get("how"), cleaned.get("link"), cleaned.get("video")
        if how == "link":
            if not link:
                self.add_error("link", "Please paste the link to your video.")
            elif not link.lower().startswith("https://"):
                self.add_error("link", "Please share a secure link (one that starts with https://).")
            cleaned["video"] = None
        elif how == "upload":
            if not video:
                self.add_error("video", "Please choose a video file to upload.")
            else:
                try:
                    files.check_video(video)
                except ValidationError as exc:
                    self.add_error("video", exc)
            cleaned["link"] = ""
        return cleaned


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read this and I consent to a background check.",
        required=True,
        error_messages={"required": "Please tick the box to give your consent."},
    )


# --- Staff (admin) -----------------------------------------------------------------------------


class InterviewForm(forms.Form):
    at = forms.DateTimeField(
        label="Interview date and time (your time zone)",
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    note = forms.CharField(
        label="Note for the applicant",
        required=False,
        max_length=1000,
        help_text="How to join and who they'll meet. The applicant sees this on their application page.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferForm(forms.Form):
    rate = forms.DecimalField(
        label="Hourly rate (US dollars)",
        min_value=Decimal("1"),
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].initial = Decimal(settings.WORKFORCE_HOURLY_RATE_CENTS) / 100

    def rate_cents(self) -> int:
        return int(self.cleaned_data["rate"] * 100)


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Note for the team (never sent to the applicant)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
