"""The crisis phrase list and its matcher: the list reviewed (no duplicates once normalised, each phrase
found in a sentence), normalisation, whole-word matching, and a table of everyday sentences that must
stay quiet."""

import pytest

from peersnet.kernel.crisis_language import contains_crisis_language, find, normalise
from peersnet.kernel.crisis_phrases import PHRASES

ALL = [(theme, phrase) for theme, phrases in PHRASES.items() for phrase in phrases]


def test_the_list_has_the_four_themes_and_no_duplicates_once_normalised():
    assert set(PHRASES) == {"suicide", "self-harm", "harm to others", "abuse"}
    normalised = [normalise(phrase) for _theme, phrase in ALL]
    duplicates = {n for n in normalised if normalised.count(n) > 1}
    assert not duplicates
    assert all(normalised), "an empty phrase would match everything"


@pytest.mark.parametrize(("theme", "phrase"), ALL)
def test_every_phrase_matches_itself_in_a_sentence(theme, phrase):
    sentence = f"Honestly, lately {phrase.upper()}... I don't know."
    found = find(sentence)
    assert (theme, phrase) in [(m.theme, m.phrase) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Héllo,   WORLD!!", "hello world"),
        ("I don’t want to", "i do not want to"),  # curly apostrophe
        ("I dont wanna", "i do not want to"),
        ("I'm here", "i am here"),
        ("self-harm", "self harm"),
        ("ｋｉｌｌ　ｍｙｓｅｌｆ", "kill myself"),  # full-width letters and space (NFKC)
        ("sui\u0308cide", "suicide"),  # a combining accent
        ("  \n\t ", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I could kill myself, honestly.",
        "I’ve been thinking about suicide",
        "i dont want to live anymore",
        "I don't wanna be alive",  # "wanna" is "want to": matches "don't want to be alive"
        "SUICIDAL",
        "I started self-harming again",
        "I want to hurt someone",
        "My stepdad hits me when he drinks",
        "I'm not safe at home",
        "I would never kill myself",  # negation-naive, on purpose (see the module docstring)
        "Sometimes I think everyone would be better off without me.",
        "I can't go on like this",
    ],
)
def test_crisis_language_is_found(text):
    assert contains_crisis_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "That was a killer workout",
        "I'm dying to see the new film",
        "I want to learn a new skill",
        "My therapist says hi",
        "We bought grapes",
        "I killed it at my presentation",
        "This homework is killing me",  # everyday hyperbole: deliberately not listed
        "Cutting back on coffee",
        "I burned the toast",
        "She hit the nail on the head",
        "",
    ],
)
def test_everyday_sentences_stay_quiet(text):
    assert find(text) == []


def test_each_phrase_is_reported_once_with_its_theme():
    found = find("kill myself kill myself and self harm")
    assert [(m.theme, m.phrase) for m in found] == [("suicide", "kill myself"), ("self-harm", "self harm")]
