"""Our code of ethics for peer supporters: the text a supporter reads and acknowledges while onboarding.

Changing the text means a new ``VERSION``: acknowledgements are kept per version, so everyone who
acknowledged an older one can be asked again.
"""

VERSION = "2026-11"

TITLE = "Our code of ethics"

# (heading, what it means in practice)
PRINCIPLES: tuple[tuple[str, str], ...] = (
    (
        "Peer support, not therapy",
        "You share what helped you and listen for what might help the person in front of you. You don't "
        "diagnose, prescribe or promise outcomes, and you say so plainly when someone needs a clinician.",
    ),
    (
        "Safety comes first",
        "If someone may be in danger, you follow our safety steps at once: share 988 and 911, stay with "
        "them where you can, and tell a supervisor the same day. You make the mandatory reports the law "
        "and our policies require.",
    ),
    (
        "Privacy",
        "What a seeker tells you stays between you, the seeker and, where safety or supervision needs it, "
        "our supervisors. You never talk about a seeker in a way that could identify them, online or off.",
    ),
    (
        "Respect and fairness",
        "You meet every seeker with respect, whatever their identity, beliefs or story, and you never "
        "push your own views, faith or choices on them.",
    ),
    (
        "Clear boundaries",
        "You keep contact on peersnet: no private phone numbers, social media or meetings outside our "
        "sessions. No gifts, money, romance or business with seekers. If you know someone who books you, "
        "you tell us and step aside.",
    ),
    (
        "Looking after yourself",
        "You use supervision, take time off when you need it and ask for help early. You don't work when "
        "you're not well enough to be present for someone else.",
    ),
    (
        "Honesty and accountability",
        "You keep your credentials current, record your sessions truthfully and tell us about any "
        "complaint, conflict or mistake so we can put it right together.",
    ),
)
