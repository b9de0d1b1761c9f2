from django import forms
from django.utils import timezone

from peersnet.kernel.ids import coerce_id


class BookingRequestForm(forms.Form):
    no_personal_relationship = forms.BooleanField(
        required=False,
        label="I don't know this supporter outside peersnet (they are not a friend, family member, "
        "classmate or colleague).",
        help_text="Peer support works best with someone new to you. Friends and family can't "
        "give formal support.",
    )

    def __init__(self, *args, first_time: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_time = first_time
        if first_time:
            self.fields["no_personal_relationship"].required = True
            self.fields["no_personal_relationship"].error_messages["required"] = (
                "Please confirm this. If you do know this supporter, choose someone else from the directory."
            )
        else:
            del self.fields["no_personal_relationship"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Private reason",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only staff see this. The seeker is told kindly and pointed to other times.",
    )


class DeclineRequestForm(DeclineForm):
    knows_seeker = forms.BooleanField(
        label="I know this person",
        required=False,
        help_text="Tick this if you recognise them from outside peersnet. They won't be told why, won't "
        "pay anything, and won't be offered to you or you to them again.",
    )


class RescheduleForm(forms.Form):
    slot = forms.TypedChoiceField(label="New time", coerce=coerce_id, widget=forms.RadioSelect)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self._days = [f"{timezone.localtime(slot.start):%A %-d %B}" for slot in slots]
        self.fields["slot"].choices = [
            (slot.pk, f"{timezone.localtime(slot.start):%-I:%M %p %Z}") for slot in slots
        ]
        self.fields["slot"].error_messages["invalid_choice"] = (
            "That time isn't available any more. Please pick another."
        )

    def day_groups(self) -> list[tuple[str, list]]:
        """The radios grouped by day, in order: [("Monday 7 December", [radio, ...]), ...]."""
        groups: list[tuple[str, list]] = []
        for day, radio in zip(self._days, self["slot"], strict=True):
            if not groups or groups[-1][0] != day:
                groups.append((day, []))
            groups[-1][1].append(radio)
        return groups


class FeedbackForm(forms.Form):
    choice = forms.ChoiceField(
        label="How was it?",
        choices=[("loved", "It helped"), ("refund", "I didn't love it: refund my session")],
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label="How would you rate it?",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(5, "5: great"), (4, "4: good"), (3, "3: okay"), (2, "2: not great"), (1, "1: poor")],
        widget=forms.RadioSelect,
        help_text="Optional, and private: only our supervisors see it, never your supporter. "
        "It never changes the refund.",
    )
    comment = forms.CharField(
        label="Anything you'd like our team to know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Only our supervisors read this; your supporter doesn't see it.",
    )
