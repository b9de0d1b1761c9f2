"""The maintained list of crisis phrases (English), grouped by theme. Reviewed by
tests/kernel/test_crisis_language.py: no two phrases are the same once normalised, and each one matches
itself inside a sentence.

How to change it: add or remove a phrase in its theme, write it as people type it (apostrophes and
hyphens are fine: matching normalises both sides the same way), and run the test. Keep phrases specific
enough that everyday speech doesn't trip them ("killer workout", "dying to see you" must stay quiet):
a match shows the writer the crisis resources and puts a flag in front of a supervisor, so a phrase
that fires on ordinary sentences costs people's attention. Negation is not understood (see
peersnet/kernel/crisis_language.py): "I don't want to kill myself" matches, on purpose.
"""

SUICIDE = (
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "taking my own life",
    "suicide",
    "suicidal",
    "want to die",
    "ready to die",
    "wish I was dead",
    "wish I were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "nothing to live for",
    "don't want to live",
    "don't want to be alive",
    "don't want to wake up",
    "don't want to be here anymore",
    "can't go on",
    "overdose",
    "hang myself",
    "jump off a bridge",
    "say goodbye to everyone",
)

SELF_HARM = (
    "self harm",
    "self harming",
    "selfharm",
    "cut myself",
    "cutting myself",
    "hurt myself",
    "hurting myself",
    "burn myself",
    "burning myself",
    "punish myself",
    "starve myself",
)

HARM_TO_OTHERS = (
    "kill him",
    "kill her",
    "kill them",
    "kill someone",
    "kill somebody",
    "kill everyone",
    "hurt someone",
    "hurt somebody",
    "shoot someone",
    "stab someone",
    "make them pay",
)

ABUSE = (
    "hits me",
    "beats me",
    "beat me up",
    "chokes me",
    "abuses me",
    "abusing me",
    "abused me",
    "sexually abused",
    "molested",
    "raped",
    "rape",
    "touches me",
    "not safe at home",
    "afraid to go home",
    "scared to go home",
    "threatens to kill me",
    "hurts me",
)

#: theme -> phrases. The theme is shown to supervisors beside the matched words.
PHRASES: dict[str, tuple[str, ...]] = {
    "suicide": SUICIDE,
    "self-harm": SELF_HARM,
    "harm to others": HARM_TO_OTHERS,
    "abuse": ABUSE,
}
