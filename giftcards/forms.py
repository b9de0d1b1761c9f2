import datetime as dt

from django import forms

from peersnet.kernel.money import format_cents

from .models import MAX_SESSIONS, MESSAGE_MAX_LENGTH, MIN_SESSIONS

SESSIONS_MESSAGE = f"Choose between {MIN_SESSIONS} and {MAX_SESSIONS} sessions."


class GiftBuyForm(forms.Form):
    """What a buyer tells us. The price is not a field: the server works it out from ``sessions``."""

    buyer_name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="We'll tell them the gift is from you.",
        error_messages={"required": "Please tell us your name."},
    )
    buyer_email = forms.EmailField(
        label="Your email",
        help_text="For your receipt and news about the gift.",
        error_messages={
            "required": "Please give your email address.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )
    recipient_name = forms.CharField(
        label="Their name",
        max_length=120,
        error_messages={"required": "Please tell us who the gift is for."},
    )
    recipient_email = forms.EmailField(
        label="Their email",
        help_text="We'll send the gift here, with a link that is just for them.",
        error_messages={
            "required": "Please give their email address.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )
    sessions = forms.IntegerField(
        label="Number of sessions",
        min_value=MIN_SESSIONS,
        max_value=MAX_SESSIONS,
        error_messages={
            "required": SESSIONS_MESSAGE,
            "invalid": SESSIONS_MESSAGE,
            "min_value": SESSIONS_MESSAGE,
            "max_value": SESSIONS_MESSAGE,
        },
    )
    message = forms.CharField(
        label="A personal message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        help_text="They'll see it in the gift email. Up to 1,000 characters.",
    )
    delivery_date = forms.DateField(
        label="Delivery date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave it empty to send the gift as soon as you've paid, or pick a day that matters.",
        error_messages={"invalid": "Enter a date, like 2026-12-24."},
    )

    def __init__(self, *args, today: dt.date, prices: list[tuple[int, int]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["sessions"].widget = forms.Select(
            choices=[
                (n, f"{n} session{'s' if n != 1 else ''} · {format_cents(cents)}") for n, cents in prices
            ]
        )
        self.fields["delivery_date"].widget.attrs["min"] = today.isoformat()
        for name in ("buyer_email", "recipient_email"):
            self.fields[name].widget.attrs["autocomplete"] = "off" if name == "recipient_email" else "email"
        self.fields["buyer_name"].widget.attrs["autocomplete"] = "name"

    def clean_message(self) -> str:
        # Browsers count a line break as one character against maxlength but send it as two (CRLF).
        message = self.cleaned_data.get("message", "").replace("\r\n", "\n")
        if len(message) > MESSAGE_MAX_LENGTH:
            raise forms.ValidationError("Please keep the message to 1,000 characters or fewer.")
        return message

    def clean_delivery_date(self) -> dt.date | None:
        value = self.cleaned_data.get("delivery_date")
        if value is None:
            return None
        if value < self.today:
            raise forms.ValidationError("That date has passed. Choose today or a later date.")
        if value > self.today + dt.timedelta(days=366):
            raise forms.ValidationError("Choose a date within the next year.")
        return value


class RecipientCorrectForm(forms.Form):
    """Staff: the right address for the recipient, before the gift is claimed."""

    recipient_email = forms.EmailField(label="Recipient's email")
    recipient_name = forms.CharField(label="Recipient's name", max_length=120, required=False)
