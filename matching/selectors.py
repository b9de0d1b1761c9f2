"""Named reads for matching: the transparent score behind suggestions, and what pages show.

The score of a listed supporter for a set of answers is a sum of plain parts, each with a sentence:

==========================  ======  ==============================================================
part                        points  reason shown
==========================  ======  ==============================================================
lived experience you value  3 each  "Shares your experience of anxiety and grief"
topics you want support on  2 each  "Supports people with exam stress"
identities that matter      2 each  "Also identifies as LGBTQ+"
language                    2 each  "Speaks Spanish"
open times you prefer       1 each  "4 open times on weekday evenings" (up to 4 points), counted among
                                    bookable open slots in the next two weeks, in the seeker's zone
==========================  ======  ==============================================================

Only supporters scoring above zero are suggested, at most six. Equal scores are in the directory's fair
order: a permutation of ids that is the same all day and changes every (UTC) day.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.timezones import zone
from supporters.models import Slot, SupporterProfile, Tag
from supporters.selectors import supporter_ids_hidden_from
from supporters.services import bookable_window

from .models import MatchAnswers, TeamRequest, TimeOfDay

MAX_SUGGESTIONS = 6
AVAILABILITY_DAYS = 14
AVAILABILITY_POINTS_CAP = 4
POINTS = {"experience": 3, "topics": 2, "identities": 2, "languages": 2}
# Wall-clock hours [from, to) of each part of the day.
TIME_BANDS = {TimeOfDay.MORNING: (0, 12), TimeOfDay.AFTERNOON: (12, 17), TimeOfDay.EVENING: (17, 24)}
WEEKDAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]


@dataclass
class Suggestion:
    supporter_id: int
    score: int
    reasons: list[str] = field(default_factory=list)
    supporter: SupporterProfile | None = None  # set by the page reads, with next_open and topic_tags

    def as_json(self) -> dict:
        return {"supporter_id": self.supporter_id, "score": self.score, "reasons": self.reasons}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_preferred_times(days: list[int], times: list[str]) -> str:
    """ "on weekday evenings", "on Mondays and Thursdays, in the mornings", "in the evenings"."""
    days = sorted(set(days))
    parts = [label.split(" ")[0].lower() for value, label in TimeOfDay.choices if value in times]
    if len(parts) == len(TimeOfDay.choices):
        parts = []
    if days == [0, 1, 2, 3, 4]:
        day_word = "weekday"
    elif days == [5, 6]:
        day_word = "weekend"
    else:
        day_word = ""
    if len(days) == 7:
        days = []
    if day_word and parts:
        return f"on {day_word} {_and(parts)}"
    if day_word:
        return f"on {day_word}s"
    day_text = _and([WEEKDAY_NAMES[d] for d in days]) if days else ""
    if day_text and parts:
        return f"on {day_text}, in the {_and(parts)}"
    if day_text:
        return f"on {day_text}"
    if parts:
        return f"in the {_and(parts)}"
    return "in the next two weeks"


def _preferred_ranges(answers: MatchAnswers, *, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """The instants in [start, end) that fall on the preferred days and times, on the seeker's wall clock,
    as merged UTC ranges. Worked out here, per local day, so the database compares plain instants on its
    (status, start) index instead of converting every slot's time to the seeker's zone."""
    tz = zone(answers.time_zone)
    days = set(answers.days) if answers.days else set(range(7))
    bands = [TIME_BANDS[t] for t in TimeOfDay.values if t in answers.times] or [(0, 24)]
    ranges: list[list[dt.datetime]] = []
    day = start.astimezone(tz).date()
    while True:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        if midnight.astimezone(dt.UTC) >= end:
            break
        if day.weekday() in days:
            for low, high in bands:
                begin = dt.datetime.combine(day, dt.time(low), tzinfo=tz).astimezone(dt.UTC)
                finish = (
                    dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
                    if high == 24
                    else dt.datetime.combine(day, dt.time(high), tzinfo=tz)
                ).astimezone(dt.UTC)
                begin, finish = max(begin, start), min(finish, end)
                if begin >= finish:
                    continue
                if ranges and ranges[-1][1] >= begin:
                    ranges[-1][1] = max(ranges[-1][1], finish)
                else:
                    ranges.append([begin, finish])
        day += dt.timedelta(days=1)
    return [tuple(r) for r in ranges]


def _preferred_slot_counts(answers: MatchAnswers, *, now: dt.datetime) -> dict[int, int]:
    """Open bookable slots in the next two weeks at the preferred days and times (the seeker's zone),
    per supporter (anyone; the caller keeps the candidates). One query: a GROUP BY over index ranges."""
    earliest, latest = bookable_window(now)
    end = min(latest + dt.timedelta(microseconds=1), now + dt.timedelta(days=AVAILABILITY_DAYS))
    ranges = _preferred_ranges(answers, start=earliest, end=end)
    if not ranges:
        return {}
    when = Q()
    for begin, finish in ranges:
        when |= Q(start__gte=begin, start__lt=finish)
    rows = (
        Slot.objects.filter(when, status=Slot.Status.OPEN)
        .values("supporter_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["supporter_id"]: row["n"] for row in rows}


def suggestions_for_answers(
    answers: MatchAnswers, *, exclude_ids=(), now: dt.datetime | None = None
) -> list[Suggestion]:
    """Up to six listed supporters ranked by the score above, each with its reasons, best first.

    ``exclude_ids``: supporters this seeker must never see (``supporter_ids_hidden_from``,
    a subquery). At most four queries whatever the number of supporters: the listed supporters' ids, the
    answer tags, the tag overlaps, the open-time counts (the last three skipped when there is nothing to
    ask)."""
    now = now or timezone.now()
    candidates = SupporterProfile.objects.listed()
    if isinstance(exclude_ids, QuerySet) or exclude_ids:
        candidates = candidates.exclude(pk__in=exclude_ids)
    # Each candidate's place in the day's fair order (stored, as the directory reads it): ties in score
    # come in the directory's own order.
    candidate_ranks = dict(candidates.values_list("pk", "fair_rank"))

    tag_answers = {kind: [int(pk) for pk in getattr(answers, kind)] for kind in POINTS}
    all_tag_ids = {pk for ids in tag_answers.values() for pk in ids}
    scores: dict[int, int] = {}
    matched: dict[int, dict[str, list[int]]] = {}
    names: dict[int, str] = {}
    if all_tag_ids:
        names = dict(Tag.objects.filter(pk__in=all_tag_ids).values_list("pk", "name"))
        through = SupporterProfile.tags.through
        pairs = through.objects.filter(tag_id__in=all_tag_ids).values_list("supporterprofile_id", "tag_id")
        for supporter_id, tag_id in pairs:
            if supporter_id not in candidate_ranks:
                continue
            for kind, ids in tag_answers.items():
                if tag_id in ids:
                    matched.setdefault(supporter_id, {}).setdefault(kind, []).append(tag_id)
                    scores[supporter_id] = scores.get(supporter_id, 0) + POINTS[kind]

    counts: dict[int, int] = {}
    if answers.days or answers.times:
        preferred = _preferred_slot_counts(answers, now=now)
        counts = {pk: n for pk, n in preferred.items() if pk in candidate_ranks}
        for supporter_id, n in counts.items():
            scores[supporter_id] = scores.get(supporter_id, 0) + min(n, AVAILABILITY_POINTS_CAP)

    ranked = sorted(
        (pk for pk, score in scores.items() if score > 0),
        key=lambda pk: (-scores[pk], candidate_ranks[pk], pk),
    )[:MAX_SUGGESTIONS]
    when = describe_preferred_times(answers.days, answers.times)

    def tag_words(pk: int, kind: str) -> str:
        ordered = [tag_id for tag_id in tag_answers[kind] if tag_id in matched.get(pk, {}).get(kind, [])]
        return _and([names[tag_id] for tag_id in ordered if tag_id in names])

    suggestions = []
    for pk in ranked:
        reasons = []
        kinds = matched.get(pk, {})
        if kinds.get("experience"):
            reasons.append(f"Shares your experience of {tag_words(pk, 'experience').lower()}")
        if kinds.get("topics"):
            reasons.append(f"Supports people with {tag_words(pk, 'topics').lower()}")
        if kinds.get("identities"):
            reasons.append(f"Also identifies as {tag_words(pk, 'identities')}")
        if kinds.get("languages"):
            reasons.append(f"Speaks {tag_words(pk, 'languages')}")
        if counts.get(pk):
            n = counts[pk]
            reasons.append(f"{n} open time{'s' if n != 1 else ''} {when}")
        suggestions.append(Suggestion(supporter_id=pk, score=scores[pk], reasons=reasons))
    return suggestions


def _with_supporters(rows: list[dict], *, exclude_ids, now: dt.datetime) -> list[Suggestion]:
    """Saved suggestions with their supporters as they are now (next open time, topic tags), dropping
    anyone no longer listed or now hidden. Two queries (none for an empty list)."""
    if not rows:
        return []
    earliest, latest = bookable_window(now)
    next_open = (
        Slot.objects.filter(
            supporter=OuterRef("pk"), status=Slot.Status.OPEN, start__gte=earliest, start__lte=latest
        )
        .order_by("start")
        .values("start")[:1]
    )
    queryset = SupporterProfile.objects.listed().filter(pk__in=[row["supporter_id"] for row in rows])
    if isinstance(exclude_ids, QuerySet) or exclude_ids:
        queryset = queryset.exclude(pk__in=exclude_ids)
    supporters = {
        s.pk: s
        for s in queryset.annotate(
            next_open=Subquery(next_open, output_field=DateTimeField())
        ).prefetch_related(
            Prefetch("tags", queryset=Tag.objects.filter(kind=Tag.Kind.TOPIC), to_attr="topic_tags")
        )
    }
    result = []
    for row in rows:
        supporter = supporters.get(row["supporter_id"])
        if supporter is not None:
            result.append(
                Suggestion(
                    supporter_id=supporter.pk,
                    score=row.get("score", 0),
                    reasons=list(row.get("reasons", [])),
                    supporter=supporter,
                )
            )
    return result


def answers_for_viewer(*, user, claim_hash: str = "") -> MatchAnswers | None:
    """The saved answers of a signed-in seeker, or of a signed-out visitor's session (its claim token's
    hash). One query (none when there is nothing to look for)."""
    if user is not None and user.is_authenticated:
        return MatchAnswers.objects.filter(seeker__user_id=user.pk).first()
    if claim_hash:
        return MatchAnswers.objects.filter(seeker__isnull=True, claim_hash=claim_hash).first()
    return None


def suggestion_list_saved(
    answers: MatchAnswers | None, *, user, now: dt.datetime | None = None
) -> list[Suggestion]:
    """The saved suggestions of ``answers`` as they stand now, for the results page and "Suggested for
    you" on the directory: supporters no longer listed or hidden from this viewer are left out. Two
    queries."""
    if answers is None:
        return []
    return _with_supporters(
        answers.suggestions, exclude_ids=supporter_ids_hidden_from(user=user), now=now or timezone.now()
    )


def answer_tags(answers: MatchAnswers) -> dict[str, list[Tag]]:
    """The tags of each tag answer, for staff reading a request. One query."""
    ids = {int(pk) for kind in POINTS for pk in getattr(answers, kind)}
    tags = Tag.objects.in_bulk(ids)
    return {kind: [tags[int(pk)] for pk in getattr(answers, kind) if int(pk) in tags] for kind in POINTS}


def team_request_list_for_seeker(*, seeker) -> list[TeamRequest]:
    """The seeker's requests to our team, newest first, with the suggested supporters. Two queries."""
    return list(
        TeamRequest.objects.filter(seeker=seeker)
        .order_by("-created_at")
        .prefetch_related("suggestions__supporter")
    )


def team_request_get_for_seeker(*, seeker, request_id: int, now: dt.datetime | None = None):
    """One of the seeker's own requests (another person's: DoesNotExist) and its suggestions with their
    supporters as they are now (no longer listed or hidden: left out). Three queries."""
    team_request = TeamRequest.objects.get(pk=request_id, seeker=seeker)
    rows = [
        {"supporter_id": s.supporter_id, "reasons": [s.note] if s.note else []}
        for s in team_request.suggestions.all()
    ]
    return team_request, _with_supporters(
        rows, exclude_ids=supporter_ids_hidden_from(user=seeker.user), now=now or timezone.now()
    )


def timezone_of(answers: MatchAnswers) -> ZoneInfo:
    return zone(answers.time_zone)
