"""Does a text contain crisis language? Checked when a seeker sends a message or saves intake answers,
so the writer sees the crisis resources in the same response and a supervisor gets a crisis flag.

Software surfaces, a person decides: a match is not a judgement about anyone, only a reason to show help
at once and to put the words in front of a supervisor.

How matching works
- Both the text and every phrase of ``crisis_phrases.PHRASES`` go through ``normalise``: Unicode NFKC,
  lowercase, accents stripped ("suïcide" is "suicide"), apostrophes (straight or curly) dropped inside
  words, every other punctuation mark a space, a few common contractions spelled out ("don't" and "dont"
  are both "do not", "wanna" is "want to", "I'm" is "i am"), whitespace collapsed to one space.
- A phrase matches on whole words only: "kill myself" is found in "I could kill myself.", "rape" is not
  found in "therapist" or "grapes", "kill" phrases are not found in "skill" or "killer workout".
- Matching is **negation-naive**, on purpose: "I would never kill myself" and "I don't want to die" match.
  Understanding negation reliably is beyond a phrase list, and a false alarm costs a supervisor a few
  minutes while a miss could cost far more. The supervisor who reads the flag decides.
- English only, for now.

The module is pure Python (no database, no Django), low in the layers, so messaging and seekers can use
it in the request that saves the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .crisis_phrases import PHRASES

_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4"
_APOSTROPHE_IN_WORD = re.compile(rf"(?<=\w)[{_APOSTROPHES}](?=\w)")
_NOT_WORD = re.compile(r"[\W_]+")

# After apostrophes are dropped: one word -> its spelled-out form.
CONTRACTIONS = {
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "cannot",
    "can not": "cannot",
    "couldnt": "could not",
    "wont": "will not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "theyre": "they are",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
}
_CONTRACTION = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, CONTRACTIONS), key=len, reverse=True)) + r")\b"
)


def normalise(text: str) -> str:
    """The text as the matcher sees it: NFKC, lowercase, no accents, no punctuation, contractions spelled
    out, single spaces, no leading or trailing space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _APOSTROPHE_IN_WORD.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    text = " ".join(text.split())
    return _CONTRACTION.sub(lambda m: CONTRACTIONS[m.group(1)], text)


@dataclass(frozen=True)
class Match:
    theme: str  # "suicide", "self-harm", "harm to others", "abuse"
    phrase: str  # the phrase as listed (not the writer's own words)


@cache
def _normalised_phrases() -> tuple[tuple[str, str, str], ...]:
    """(theme, phrase as listed, phrase normalised), longest first."""
    rows = [(theme, phrase, normalise(phrase)) for theme, phrases in PHRASES.items() for phrase in phrases]
    return tuple(sorted(rows, key=lambda row: -len(row[2])))


def find(text: str) -> list[Match]:
    """Every listed phrase found in ``text`` as whole words, each once, longest first."""
    padded = f" {normalise(text)} "
    if padded == "  ":
        return []
    return [Match(theme, phrase) for theme, phrase, norm in _normalised_phrases() if f" {norm} " in padded]


def contains_crisis_language(text: str) -> bool:
    return bool(find(text))
