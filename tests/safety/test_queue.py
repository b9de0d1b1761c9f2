"""The supervisor queue's registry (safety/queue.py): sections in order, items and counts."""

import datetime as dt

from django.utils import timezone

from safety import queue


def test_sections_items_and_counts_follow_the_registry(monkeypatch):
    monkeypatch.setattr(queue, "_sections", {})
    now = timezone.now()
    item = queue.QueueItem(
        kind="b",
        title="Something",
        opened_at=now,
        due_at=now + dt.timedelta(hours=4),
        url="/x/",
        action_label="Take",
    )
    queue.register_section("b", "Bees", lambda at: [item, item], order=20)
    queue.register_section("a", "Ants", lambda at: [], order=10)
    assert [section.key for section in queue.sections()] == ["a", "b"]
    assert queue.counts(now) == {"a": 0, "b": 2}
    queue.register_section("a", "Ants again", lambda at: [item], order=10)  # a second ready() replaces
    assert queue.counts(now) == {"a": 1, "b": 2}
