from django import forms
from django.conf import settings


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=settings.MESSAGING_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"Up to {settings.MESSAGING_MAX_LENGTH:,} characters. Please don't share links or files here."
        ),
        error_messages={
            "required": "Please write a message first.",
            "max_length": "Messages can be up to %(limit_value)s characters; this one has %(show_value)s.",
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Please tell us briefly what is wrong."},
    )


class PauseForm(forms.Form):
    reason = forms.CharField(
        label="Reason for staff",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only our staff see this, not the seeker.",
        error_messages={"required": "Please give staff a short reason."},
    )


class PreferenceForm(forms.Form):
    message_emails = forms.BooleanField(
        label="Email me when a new message has waited unread for 10 minutes",
        required=False,
    )
