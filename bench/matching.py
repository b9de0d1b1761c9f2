"""Benchmark of matching (issue 16): scoring and ranking suggestions for a full questionnaire, on the
supporters and slots ``bench.seed`` made, and the suggestions page of a visitor who just answered.

The answers ask for two topics, a lived experience, an identity, a language and weekday evenings in
New York, so every part of the score (tag overlaps and the open-time count over two weeks) is worked.
"""

import datetime as dt

from django.test import Client
from django.utils import timezone

from matching.models import MatchAnswers
from matching.selectors import suggestions_for_answers
from matching.services import answers_save
from supporters.models import Tag

from .directory import Row, production_like, time_call, time_get

# Issue 16: suggestions at 1,000 supporters, median on PostgreSQL, in milliseconds.
TARGET_SUGGESTIONS_MS = 50
URL_SUGGESTIONS = "/match/suggestions/"


def _answer_values() -> dict:
    def tag_ids(kind: str, slugs: list[str]) -> list[int]:
        return list(Tag.objects.filter(kind=kind, slug__in=slugs).values_list("pk", flat=True))

    topics = list(Tag.objects.filter(kind=Tag.Kind.TOPIC).order_by("pk").values_list("pk", flat=True))
    return {
        "topics": topics[:2],
        "experience": topics[2:3],
        "identities": list(
            Tag.objects.filter(kind=Tag.Kind.IDENTITY).order_by("pk").values_list("pk", flat=True)[:1]
        ),
        "languages": list(
            Tag.objects.filter(kind=Tag.Kind.LANGUAGE).order_by("pk").values_list("pk", flat=True)[:1]
        ),
        "days": [0, 1, 2, 3, 4],
        "times": ["evening"],
        "time_zone": "America/New_York",
        "anything_else": "",
    }


def measure_matching(*, repeat: int) -> list[Row]:
    """Rows: the score and ranking alone (the selector), and the page showing a visitor's suggestions."""
    values = _answer_values()
    answers = MatchAnswers(**{k: v for k, v in values.items()}, answered_at=timezone.now())
    rows = []
    with production_like():
        timings, sql_timings, queries = time_call(lambda i: suggestions_for_answers(answers), repeat=repeat)
        rows.append(
            Row(
                "matching: score and rank suggestions (topics, experience, identity, language, evenings)",
                timings,
                queries,
                TARGET_SUGGESTIONS_MS,
                sql_timings,
            )
        )
        # A visitor's session holding the claim token of answers saved signed out.
        client = Client()
        client.get("/match/")  # a session
        _row, token = answers_save(values=values, user=None, now=timezone.now() - dt.timedelta(seconds=1))
        session = client.session
        session["accounts_pending_claims"] = {"matching-answers": token}
        session.save()
        timings, sql_timings, queries, _captured = time_get(client, URL_SUGGESTIONS, repeat=repeat)
        rows.append(
            Row(f"matching: suggestions page `{URL_SUGGESTIONS}`", timings, queries, None, sql_timings)
        )
    return rows
