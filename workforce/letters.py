"""The texts an applicant agrees to: the contract offer letter (1099 independent contractor) and the
background-check consent. Both are versioned by what they say: the offer's text is frozen on the
application when it is made; the consent records which version of its text was shown."""

from __future__ import annotations

from django.template.loader import render_to_string

from peersnet.kernel.money import format_cents

# Change the version whenever the consent text below changes: each consent records the one it agreed to.
CONSENT_TEXT_VERSION = "2026-11-v1"
CONSENT_TEXT = (
    "I agree that peersnet may ask a background screening company to prepare a report about me, "
    "which may include identity verification, criminal records and sex offender registry checks, for "
    "the purpose of deciding whether I can work as a peer supporter. I understand that peersnet will tell "
    "me before acting on anything in the report, give me a copy of it, and let me explain or dispute it. "
    "This consent covers this one application."
)


def offer_letter_text(*, first_name: str, rate_cents: int) -> str:
    """The offer letter, in plain words, with the hourly rate."""
    return render_to_string(
        "workforce/offer_letter.txt", {"first_name": first_name, "rate": format_cents(rate_cents)}
    ).strip()
