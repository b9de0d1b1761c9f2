"""The footer's feedback form: what, an optional email, and two spam checks that need no third party: a
field people never see (bots fill it) and a signed time the form was shown (bots post at once, or replay
an old form)."""

import time

from django import forms
from django.core import signing

SIGNER_SALT = "sitefeedback.form"
# A person needs a few seconds to write something; a form older than a day is stale.
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60


def form_stamp(now: float | None = None) -> str:
    """The signed moment the form was shown (its hidden ``stamp`` field)."""
    return signing.dumps(int(now if now is not None else time.time()), salt=SIGNER_SALT)


class SiteFeedbackForm(forms.Form):
    what = forms.CharField(
        label="What would you like to tell us?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="About the site: something that didn't work, something missing, an idea. "
        "Please don't include health details. If you need support now, call or text 988.",
        error_messages={"required": "Please write something first."},
    )
    email = forms.EmailField(
        label="Your email, if you'd like a reply",
        required=False,
        help_text="We use it only to answer this message.",
    )
    # The honeypot: hidden from people (CSS and aria-hidden), left empty by them, filled by bots.
    website = forms.CharField(required=False, label="Leave this empty")
    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def fresh_stamp(self) -> str:
        """The stamp to render: always a new one, so a form shown again (an error) can be sent again."""
        return form_stamp(self.now)

    @property
    def is_spam(self) -> bool:
        """After is_valid(): the honeypot was filled. Such a post is thanked and dropped."""
        return bool(self.cleaned_data.get("website"))

    def clean_stamp(self) -> str:
        try:
            shown = signing.loads(self.cleaned_data["stamp"], salt=SIGNER_SALT)
        except signing.BadSignature:
            raise forms.ValidationError("This form has expired. Please send it again.") from None
        age = self.now - int(shown)
        if age < MIN_SECONDS:
            raise forms.ValidationError("That was quick! Please check your message and send it again.")
        if age > MAX_SECONDS:
            raise forms.ValidationError("This form has expired. Please send it again.")
        return self.cleaned_data["stamp"]

    def clean(self):
        data = super().clean()
        if "stamp" in self.errors:  # shown at the top: a hidden field's error has no place of its own
            self.add_error(None, self.errors.pop("stamp"))
        return data
