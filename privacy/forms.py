from django import forms

CONFIRM_WORD = "DELETE"


class DeleteAccountForm(forms.Form):
    """The typed confirmation, and a fingerprint of the consequences the page showed (if they changed
    before the click, say a session crossed the free-cancellation line, the page is shown again)."""

    confirm = forms.CharField(
        label=f"To confirm, type {CONFIRM_WORD}",
        max_length=20,
        error_messages={"required": f"Please type {CONFIRM_WORD} to confirm, or go back to your account."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != CONFIRM_WORD:
            raise forms.ValidationError(f"Please type {CONFIRM_WORD} to confirm, or go back to your account.")
        return value
