"""The supporter's onboarding pages (their own only: anyone else gets a 404) and the staff admin for
onboarding and credentials (the clock, its filter, orientation, activation refused or accepted)."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from supporters.models import SupporterProfile
from tests.factories import SeekerFactory, StaffFactory, SupporterFactory
from tests.workforce.onboarding_helpers import (
    SECRET,
    WEDNESDAY,
    application_at_onboarding,
    complete_checklist,
    write_profile,
)
from workforce import ethics
from workforce.models import Credential, EthicsAcknowledgement, Onboarding
from workforce.services.credentials import credential_record

pytestmark = pytest.mark.django_db

ONBOARDINGS = "/admin/workforce/onboarding/"
CREDENTIALS = "/admin/workforce/credential/"


@pytest.fixture
def onboarding():
    with time_machine.travel(WEDNESDAY, tick=False):
        return Onboarding.objects.get(application=application_at_onboarding())


@pytest.fixture
def operations(client):
    user = StaffFactory(email="ops@example.com")
    user.groups.add(Group.objects.get(name="operations"))
    TOTP.activate(user, SECRET)
    return user


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_checklist_shows_each_item_with_where_it_is_done(client, onboarding):
    client.force_login(onboarding.supporter.user)
    write_profile(onboarding.supporter)
    page = client.get(reverse("workforce:onboarding")).content.decode()
    assert "2 of 6 steps done" in page
    assert "Wednesday 16 December" in page  # the due date, two weeks on
    assert reverse("supporters:manage_availability") in page
    assert reverse("mfa_activate_totp") in page
    assert reverse("workforce:onboarding_ethics") in page
    assert "988" in page


@pytest.mark.parametrize("who", ["anonymous", "seeker", "supporter_without_onboarding", "staff"])
def test_nobody_else_has_an_onboarding_page(client, onboarding, who):
    people = {
        "seeker": lambda: SeekerFactory().user,
        "supporter_without_onboarding": lambda: SupporterFactory().user,
        "staff": lambda: StaffFactory(is_superuser=True),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    response = client.get(reverse("workforce:onboarding"))
    assert response.status_code == (302 if who == "anonymous" else 404)
    assert onboarding.supporter.display_name not in response.content.decode()


def test_acknowledging_the_code_of_ethics(client, onboarding):
    client.force_login(onboarding.supporter.user)
    page = client.get(reverse("workforce:onboarding_ethics")).content.decode()
    for heading, _text in ethics.PRINCIPLES:
        assert heading in page
    response = client.post(reverse("workforce:onboarding_ethics"), {})
    assert "Tick the box to acknowledge the code of ethics." in response.content.decode()
    assert not EthicsAcknowledgement.objects.exists()
    response = client.post(reverse("workforce:onboarding_ethics"), {"agree": "on"})
    assert response.url == reverse("workforce:onboarding")
    ack = EthicsAcknowledgement.objects.get()
    assert (ack.user, ack.version) == (onboarding.supporter.user, ethics.VERSION)
    assert (
        "You acknowledged this code of ethics"
        in client.get(reverse("workforce:onboarding_ethics")).content.decode()
    )


def test_the_ethics_page_is_for_supporters_only(client):
    client.force_login(SeekerFactory().user)
    assert client.get(reverse("workforce:onboarding_ethics")).status_code == 404
    assert client.post(reverse("workforce:onboarding_ethics"), {"agree": "on"}).status_code == 404
    assert not EthicsAcknowledgement.objects.exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_credentials_page_and_document_are_the_supporters_own(client, operations, settings):
    mine, other = SupporterFactory(), SupporterFactory()
    credential = credential_record(
        supporter=mine,
        kind=Credential.Kind.CERTIFICATION,
        issued_on=dt.date(2025, 1, 5),
        expires_on=dt.date(2027, 1, 5),
        issuer="State board",
        document=ContentFile(b"%PDF-1.4 certificate", name="cert.pdf"),
        by=operations,
    )
    document = reverse("workforce:credential_document", args=[credential.pk])
    client.force_login(mine.user)
    page = client.get(reverse("workforce:credentials")).content.decode()
    assert "Peer support certification" in page and "in 34 days" in page and document in page
    response = client.get(document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"
    assert response["Cache-Control"].startswith("private, no-store")
    client.force_login(other.user)
    assert "Peer support certification" not in client.get(reverse("workforce:credentials")).content.decode()
    assert client.get(document).status_code == 404
    client.force_login(StaffFactory())  # staff without the role
    assert client.get(document).status_code == 404
    client.force_login(operations)
    assert client.get(document).status_code == 200
    # Private storage, outside the public media folder.
    assert credential.document.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not credential.document.path.startswith(str(settings.MEDIA_ROOT))
    credential.document.delete(save=False)


def test_admin_clock_column_and_filter(client, operations):
    with time_machine.travel(WEDNESDAY, tick=False):
        due = Onboarding.objects.get(application=application_at_onboarding(email="due@example.com"))
    with time_machine.travel(WEDNESDAY - dt.timedelta(days=20), tick=False):
        late = Onboarding.objects.get(application=application_at_onboarding(email="late@example.com"))
    client.force_login(operations)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=3), tick=False):
        page = client.get(ONBOARDINGS).content.decode()
        assert "11 days left" in page and "overdue by 9 days" in page
        overdue = client.get(ONBOARDINGS + "?clock=overdue").content.decode()
        assert f"/{late.pk}/change/" in overdue and f"/{due.pk}/change/" not in overdue
        on_time = client.get(ONBOARDINGS + "?clock=due").content.decode()
        assert f"/{due.pk}/change/" in on_time and f"/{late.pk}/change/" not in on_time


@time_machine.travel(WEDNESDAY, tick=False)
def test_admin_activation_refused_then_accepted(client, operations, onboarding):
    client.force_login(operations)
    data = {"action": "activate", "_selected_action": [onboarding.pk]}
    page = client.post(ONBOARDINGS, data, follow=True).content.decode()
    assert "can&#x27;t be activated yet" in page and "Two-factor authentication set" in page
    onboarding.supporter.refresh_from_db()
    assert onboarding.supporter.status == SupporterProfile.Status.ONBOARDING
    complete_checklist(onboarding, staff=operations)
    page = client.post(ONBOARDINGS, data, follow=True).content.decode()
    assert "is active and listed" in page
    assert SupporterProfile.objects.listed().filter(pk=onboarding.supporter_id).exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_admin_marks_orientation_and_a_trainer_cannot(client, operations, onboarding):
    trainer = StaffFactory(email="trainer@example.com")
    trainer.groups.add(Group.objects.get(name="trainer"))
    TOTP.activate(trainer, SECRET)
    data = {"action": "mark_orientation", "_selected_action": [onboarding.pk]}
    client.force_login(trainer)
    assert client.get(ONBOARDINGS).status_code == 200
    client.post(ONBOARDINGS, data)
    onboarding.refresh_from_db()
    assert onboarding.orientation_attended_at is None
    client.force_login(operations)
    client.post(ONBOARDINGS, data)
    onboarding.refresh_from_db()
    assert onboarding.orientation_marked_by == operations


@time_machine.travel(WEDNESDAY, tick=False)
def test_admin_records_a_renewal_that_lists_again(client, operations):
    supporter = SupporterFactory()
    credential_record(
        supporter=supporter,
        kind=Credential.Kind.CERTIFICATION,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2026, 12, 1),
        by=None,
    )
    assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()
    client.force_login(operations)
    form = {
        "supporter": supporter.pk,
        "kind": Credential.Kind.CERTIFICATION,
        "issuer": "State board",
        "number": "",
        "issued_on": "2026-12-01",
        "expires_on": "2026-11-01",
    }
    response = client.post(CREDENTIALS + "add/", form)
    assert "The expiry date must be after the date it was issued." in response.content.decode()
    assert Credential.objects.count() == 1
    response = client.post(CREDENTIALS + "add/", {**form, "expires_on": "2028-12-01"})
    assert response.status_code == 302
    assert SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()
    assert Credential.objects.latest("pk").recorded_by == operations
    page = client.get(CREDENTIALS + "?expiry=expired").content.decode()
    assert "expired" in page


@time_machine.travel(WEDNESDAY, tick=False)
def test_export_and_erasure_of_onboarding_and_credentials(onboarding):
    from privacy.services import export_payload
    from workforce import privacy
    from workforce.services.onboarding import ethics_acknowledge

    user = onboarding.supporter.user
    ethics_acknowledge(user=user)
    credential_record(
        supporter=onboarding.supporter,
        kind=Credential.Kind.BACKGROUND_CHECK,
        issued_on=dt.date(2026, 11, 1),
        expires_on=dt.date(2028, 11, 1),
        number="BC-12345",
        by=None,
    )
    section = export_payload(user=user, now=WEDNESDAY)["sections"]["onboarding_and_credentials"]
    assert section["credentials"][0]["number"] == "BC-12345"
    assert section["code_of_ethics"][0]["version"] == ethics.VERSION
    privacy.erase(user, now=WEDNESDAY)
    assert Credential.objects.get().number == ""
    assert not EthicsAcknowledgement.objects.exists()
    assert (
        "onboarding_and_credentials"
        not in export_payload(user=SeekerFactory().user, now=WEDNESDAY)["sections"]
    )
