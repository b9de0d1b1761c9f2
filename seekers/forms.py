import re

from django import forms

from .models import Intake

PHONE = re.compile(r"^[+()\d][\d\s().+-]{6,38}$")


class IntakeForm(forms.ModelForm):
    acknowledge = forms.BooleanField(
        label="I understand that peer support is not therapy or crisis care, and that supporters are "
        "mandatory reporters: if someone is at risk of serious harm, they must act on it.",
        error_messages={"required": "Please read and tick this before your first session."},
    )

    class Meta:
        model = Intake
        fields = [
            "preferred_name",
            "pronouns",
            "hopes",
            "emergency_contact_name",
            "emergency_contact_phone",
            "share_preferred_name",
            "share_pronouns",
            "share_hopes",
        ]
        labels = {
            "share_preferred_name": "Share my preferred name with my supporter",
            "share_pronouns": "Share my pronouns with my supporter",
            "share_hopes": "Share what I hope to get from peer support with my supporter",
        }
        help_texts = {
            "hopes": "A few sentences is plenty. Only you and our staff can read this, unless you share it.",
            "emergency_contact_phone": "We only use this if we believe you are in danger.",
        }
        widgets = {"hopes": forms.Textarea(attrs={"rows": 5})}

    def clean_emergency_contact_phone(self) -> str:
        phone = self.cleaned_data["emergency_contact_phone"].strip()
        if not PHONE.match(phone):
            raise forms.ValidationError("Enter a phone number, for example +1 555 123 4567.")
        return phone
