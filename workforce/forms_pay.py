"""The shape of operations' pay input: marking a month's statements paid."""

from django import forms


class MarkPaidForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label="Statements to mark paid", widget=forms.CheckboxSelectMultiple, choices=()
    )
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, statements, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [
            (str(s.pk), s.supporter.display_name) for s in statements if s.paid_on is None
        ]
