"""The questionnaire pages (signed out and in), saving on sign-up, "Suggested for you" on the directory,
and their query counts."""

import re

import pytest
from django.urls import reverse

from matching.models import MatchAnswers
from matching.services import answers_save
from supporters.models import SupporterConflict
from tests.accounts.test_views import SIGNUP
from tests.factories import PASSWORD, SeekerFactory, SlotFactory, SupporterFactory, UserFactory
from tests.matching.helpers import pacific

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DIRECTORY = reverse("supporters:directory")


def q(step: int) -> str:
    return reverse("matching:question", args=[step])


def take_questionnaire(client, tags, *, free_text="I'd like someone patient."):
    """Answer every screen: anxiety support, grief experience, skip identity, Spanish, weekday evenings."""
    assert client.post(q(1), {"topics": [tags["anxiety"].pk]}).url == q(2)
    assert client.post(q(2), {"experience": [tags["grief"].pk]}).url == q(3)
    assert client.post(q(3), {"skip": "1"}).url == q(4)
    assert client.post(q(4), {"languages": [tags["spanish"].pk]}).url == q(5)
    assert client.post(q(5), {"days": ["0", "1", "2", "3", "4"], "times": ["evening"]}).url == q(6)
    response = client.post(q(6), {"anything_else": free_text})
    assert response.url == reverse("matching:suggestions")
    return response


def test_question_page_shows_progress_back_and_skip(client, tags):
    response = client.get(q(2))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Question 2 of 6" in text
    assert '<progress class="match-progress" max="6" value="2"' in text
    assert f'href="{q(1)}">Back<' in text
    assert 'name="skip"' in text
    assert "Grief" in text and "Anxiety" in text


def test_question_bad_input_shows_an_error_and_keeps_nothing(client, tags):
    response = client.post(q(1), {"topics": ["999999"]})
    assert response.status_code == 200
    assert "Please choose from the list." in response.content.decode()
    assert "matching_draft" not in client.session


def test_question_out_of_range_is_404(client):
    assert client.get(q(0)).status_code == 404
    assert client.get(q(7)).status_code == 404
    assert client.get("/match/questions/12/").status_code == 404
    assert client.get("/match/questions/x/").status_code == 404


def test_back_shows_earlier_answers_ticked(client, tags):
    client.post(q(1), {"topics": [tags["anxiety"].pk]})
    text = client.get(q(1)).content.decode()
    assert re.search(rf'value="{tags["anxiety"].pk}"[^>]*checked', text)


def test_signed_out_visitor_sees_suggestions_with_reasons(client, tags):
    ana = SupporterFactory(display_name="Ana", tags=[tags["grief"], tags["spanish"]])
    SlotFactory(supporter=ana, start=pacific(2, 18))
    SupporterFactory(display_name="Nobody in common")
    take_questionnaire(client, tags)
    text = client.get(reverse("matching:suggestions")).content.decode()
    assert "Ana" in text and "Nobody in common" not in text
    assert "Shares your experience of grief" in text
    assert "Speaks Spanish" in text
    assert "1 open time on weekday evenings" in text
    assert "Next available" in text
    assert "Sign up to keep them" in text
    row = MatchAnswers.objects.get()
    assert row.seeker is None and row.claim_hash
    assert row.anything_else == "I'd like someone patient."
    assert "matching_draft" not in client.session
    # The free text never sat in the session.
    assert "patient" not in str(dict(client.session))


def test_sign_up_keeps_the_answers_and_the_directory_shows_suggested_for_you(client, tags):
    ana = SupporterFactory(display_name="Ana", tags=[tags["grief"]])
    take_questionnaire(client, tags)
    assert client.get(reverse("matching:signup")).url == reverse("account_signup")
    client.post(reverse("account_signup"), SIGNUP)
    row = MatchAnswers.objects.get()
    assert row.seeker is not None and row.seeker.user.email == SIGNUP["email"]
    assert row.claim_hash == ""
    seeker_client = client
    seeker_client.force_login(row.seeker.user)
    text = seeker_client.get(DIRECTORY).content.decode()
    assert "Suggested for you" in text
    assert "Shares your experience of grief" in text
    assert f'href="/supporters/{ana.pk}/"' in text


def test_another_visitors_session_cannot_see_or_claim_the_answers(client, tags):
    SupporterFactory(tags=[tags["grief"]])
    take_questionnaire(client, tags)
    from django.test import Client

    other = Client()
    assert other.get(reverse("matching:suggestions")).url == reverse("matching:start")
    other.post(reverse("account_signup"), {**SIGNUP, "email": "other@example.com"})
    assert MatchAnswers.objects.get().seeker is None


def test_seeker_retaking_replaces_the_saved_answers(client, tags):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    SupporterFactory(tags=[tags["grief"]])
    take_questionnaire(client, tags)
    take_questionnaire(client, tags, free_text="Second time")
    row = MatchAnswers.objects.get()
    assert row.seeker == seeker and row.anything_else == "Second time"


def test_suggested_for_you_leaves_out_a_supporter_hidden_since(client, tags):
    seeker = SeekerFactory()
    ana = SupporterFactory(display_name="Ana", tags=[tags["grief"]])
    answers_save(values={"experience": [tags["grief"].pk]}, user=seeker.user)
    client.force_login(seeker.user)
    assert "Suggested for you" in client.get(DIRECTORY).content.decode()
    SupporterConflict.objects.create(seeker_user=seeker.user, supporter=ana, raised_by="seeker")
    text = client.get(DIRECTORY).content.decode()
    assert "Suggested for you" not in text and "Ana" not in text


def test_supporters_and_staff_do_not_take_the_questionnaire(client):
    client.force_login(SupporterFactory().user)
    assert client.get(q(1)).status_code == 404


def _populate(tags, count):
    for i in range(count):
        sup = SupporterFactory(tags=[tags["grief"] if i % 2 else tags["anxiety"], tags["spanish"]])
        SlotFactory(supporter=sup, start=pacific(2 + i % 3, 18))


# Session, user, the header's supporter and seeker checks, answers, supporters, their topic tags.
@pytest.mark.parametrize("count", [5, 50])
def test_suggestions_page_query_count_is_constant(client, django_assert_num_queries, tags, count):
    _populate(tags, count)
    seeker = SeekerFactory()
    answers_save(
        values={"experience": [tags["grief"].pk], "languages": [tags["spanish"].pk]}, user=seeker.user
    )
    client.force_login(seeker.user)
    client.get(reverse("matching:suggestions"))  # warm the session
    with django_assert_num_queries(7) as captured:
        response = client.get(reverse("matching:suggestions"))
    assert response.content.decode().count('class="suggestion"') == min(count, 6)
    assert captured


@pytest.mark.parametrize("count", [5, 50])
def test_directory_with_suggested_for_you_query_count_is_constant(
    client, django_assert_num_queries, tags, count
):
    _populate(tags, count)
    seeker = SeekerFactory()
    answers_save(values={"languages": [tags["spanish"].pk]}, user=seeker.user)
    client.force_login(seeker.user)
    client.get(DIRECTORY)
    # Session, user, the page, the header's supporter check (the tag choices and the page's cards come
    # from the cache the first request filled, so no topic tags are read for them:
    # supporters/directory_cache.py); then for "Suggested for you": the seeker check, the answers, the
    # suggested supporters, their topic tags.
    with django_assert_num_queries(8):
        text = client.get(DIRECTORY).content.decode()
    assert "Suggested for you" in text


def test_directory_for_a_visitor_who_never_answered_costs_nothing_more(
    client, django_assert_num_queries, tags
):
    _populate(tags, 5)
    with django_assert_num_queries(3):  # tag choices, the page, its topic tags: as before matching
        text = client.get(DIRECTORY).content.decode()
    assert "Suggested for you" not in text
    assert reverse("matching:start") in text


def test_login_then_results_use_the_seekers_saved_answers(client, tags):
    seeker = SeekerFactory(user=UserFactory(email="s@example.com"))
    SupporterFactory(display_name="Ana", tags=[tags["grief"]])
    answers_save(values={"experience": [tags["grief"].pk]}, user=seeker.user)
    client.post(reverse("account_login"), {"login": "s@example.com", "password": PASSWORD})
    assert "Ana" in client.get(reverse("matching:suggestions")).content.decode()


def test_retaking_starts_from_the_saved_answers_but_never_the_free_text(client, tags):
    seeker = SeekerFactory()
    answers_save(values={"topics": [tags["anxiety"].pk], "anything_else": "Private words"}, user=seeker.user)
    client.force_login(seeker.user)
    text = client.get(q(1)).content.decode()
    assert re.search(rf'value="{tags["anxiety"].pk}"[^>]*checked', text)
    assert "Private words" not in str(dict(client.session))
    assert "Private words" not in client.get(q(6)).content.decode()
