"""The hiring path as data (workforce/stages.py) and its one writer (services.hiring.application_move)."""

import pytest

from tests.factories import UserFactory
from workforce.models import ApplicationEvent
from workforce.services.hiring import StageMoveRefused, application_move, application_submit
from workforce.stages import PATH, Stage, can_move, next_stage, progress


def test_forward_one_step_at_a_time():
    for here, there in zip(PATH, PATH[1:], strict=False):
        assert can_move(here, there, already_certified=False)
    assert not can_move(Stage.SUBMITTED, Stage.VIDEO, already_certified=False)  # no skipping
    assert not can_move(Stage.VIDEO, Stage.PEER_SESSION, already_certified=False)  # never back


def test_certified_applicants_skip_training():
    assert next_stage(Stage.CLEARED, already_certified=True) == Stage.ONBOARDING
    assert not can_move(Stage.CLEARED, Stage.TRAINING, already_certified=True)
    assert next_stage(Stage.CLEARED, already_certified=False) == Stage.TRAINING
    assert Stage.TRAINING not in [stage for stage, _ in progress(Stage.CLEARED, already_certified=True)]


def test_out_from_any_open_stage_and_nothing_from_a_closed_one():
    for stage in PATH[:-1]:
        assert can_move(stage, Stage.REJECTED, already_certified=False)
        assert can_move(stage, Stage.WITHDRAWN, already_certified=False)
    for closed in (Stage.ONBOARDED, Stage.REJECTED, Stage.WITHDRAWN):
        assert next_stage(closed, already_certified=False) is None
        assert not can_move(closed, Stage.SUBMITTED, already_certified=False)
        assert not can_move(closed, Stage.WITHDRAWN, already_certified=False)


def test_progress_marks_done_current_and_todo():
    marks = dict(progress(Stage.VIDEO, already_certified=False))
    assert (
        marks[Stage.SUBMITTED] == "done"
        and marks[Stage.VIDEO] == "current"
        and marks[Stage.ONBOARDED] == "todo"
    )


@pytest.mark.django_db
def test_move_writes_the_stage_and_an_event_and_refuses_a_skip():
    person = UserFactory()
    application = application_submit(user=person, already_certified=False)
    application_move(application_id=application.pk, to=Stage.PEER_SESSION, by=None)
    with pytest.raises(StageMoveRefused):
        application_move(application_id=application.pk, to=Stage.OFFER, by=None)
    application.refresh_from_db()
    assert application.stage == Stage.PEER_SESSION
    assert list(ApplicationEvent.objects.values_list("from_stage", "to_stage")) == [
        (Stage.SUBMITTED, Stage.SUBMITTED),
        (Stage.SUBMITTED, Stage.PEER_SESSION),
    ]
