"""Guidance shown beside the mandatory report form: who to call and what to have ready, per state served.

Kept in one place, in our own words. It is practical orientation, not legal advice: it names the kinds of
agency that take reports and the facts they usually ask for, and always ends with "ask your supervisor".
It never states deadlines, penalties or what the law requires of a particular person; those are for the
supporter's training and their supervisor.

No state is named in DESIGN.md, the README or the demo data, so this starts with California (the service
runs on Pacific time) plus a general note for everywhere.

To add a state: add a ``StateGuidance`` to ``STATES`` under its two-letter code, written the same way
(agencies by kind, with where to find the local number; no legal claims), and have a supervisor or the
person responsible for training read it before it ships. tests/safety/test_reports_views.py checks that
every state's guidance renders on the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StateGuidance:
    code: str
    name: str
    who_to_call: list[str]
    notes: list[str] = field(default_factory=list)


GENERAL_STEPS = [
    "If someone is in danger right now, call 911 first. For a mental health crisis, call or text 988.",
    "File this report here as soon as you can, while the details are fresh. Your supervisor is notified "
    "straight away and will go through the next steps with you.",
    "Write what you were told in the person's words where you can, and keep what you saw or heard apart "
    "from what you think it means.",
    "Don't look into it yourself or question the person further to find out more: that is the agency's work.",
]

HAVE_READY = [
    "Your name and how to reach you.",
    "The name, approximate age and location of the person at risk, as far as you know them.",
    "What was disclosed, when, and how (in a session, in a message).",
    "Anything you know about who may be causing the harm, and whether they have access to the person now.",
    "What you have done so far.",
]

STATES: dict[str, StateGuidance] = {
    "CA": StateGuidance(
        code="CA",
        name="California",
        who_to_call=[
            "About a child: the child welfare services (child protective services) hotline of the county "
            "where the child lives, or local police or the sheriff.",
            "About an elder or a dependent adult living at home: the county's Adult Protective Services, "
            "or local police or the sheriff.",
            "About someone living in a care home or other long-term care facility: the local long-term "
            "care ombudsman or local police or the sheriff.",
            "County hotline numbers are listed on the California Department of Social Services website.",
        ],
        notes=[
            "Agencies usually take a report by phone first and may ask for a written form afterwards. "
            "Write down the name of the person you spoke to and any reference number they give you, and "
            "add them to this report as an addendum.",
        ],
    ),
}

ASK_YOUR_SUPERVISOR = (
    "This is general guidance, not legal advice. If you're unsure whether or where to report, or how soon, "
    "ask your supervisor: that is what they are there for."
)


def guidance() -> dict:
    """Everything the form shows, for the template."""
    return {
        "steps": GENERAL_STEPS,
        "have_ready": HAVE_READY,
        "states": list(STATES.values()),
        "ask_your_supervisor": ASK_YOUR_SUPERVISOR,
    }
