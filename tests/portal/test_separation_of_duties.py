"""Issue 9 item 7, separation of duties: nobody takes a review step on something they filed —
an allowance application they declared (R-ALW-4), an award list they prepared (R-PAY-4), a
training entry they logged (R-TRN-1). The services refuse (``ensure_not_filer``), the pages do
not offer the step and the queues leave it out, the API lists no such action and answers
403."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.models import User
from subsidies.allowance import selectors as allowance_selectors
from subsidies.allowance import services as allowance_services
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.award import services as award_services
from subsidies.award.views import actions_for as award_actions
from subsidies.choices import AwardStatus
from subsidies.models import AwardList
from tests import factories as f
from training import services as training_services
from training.models import SelfLoggedTraining

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- allowance ----------------------------------------------------------------------------------


def test_a_secretary_who_declared_is_not_offered_nor_allowed_the_village_review(
    client, world, allowance
):
    """The probe: the secretary who declared was offered the village review."""
    former = f.PersonFactory(village=world.village_a)
    application = allowance.declare(world.secretary, name=former.name, id_number=former.id_number)
    assert allowance_selectors.actions_for(world.secretary, application) == []
    with pytest.raises(PermissionDenied):
        allowance_services.application_village_review(user=world.secretary, application=application)
    client.force_login(world.secretary)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'value="village-review"' not in page
    queue = client.get(reverse("allowance:queue")).content.decode()
    assert f"data-application='{application.pk}'" not in queue
    assert f'data-application="{application.pk}"' not in queue
    api = f"/api/v1/allowance-applications/{application.pk}/"
    assert client.get(api).json()["actions"] == []
    response = client.post(api + "village-review/", {}, content_type="application/json")
    assert response.status_code == 403
    # someone else — township staff recording the village's result — may
    allowance_services.application_village_review(user=world.staff_a, application=application)


def test_township_staff_who_declared_take_none_of_the_review_steps(world, allowance):
    declarant = allowance.declarant
    application = allowance.declare()
    with pytest.raises(PermissionDenied):
        allowance_services.application_village_review(user=declarant, application=application)
    allowance.advance(application, S.VILLAGE_REVIEWED)
    with pytest.raises(PermissionDenied):
        allowance_services.application_start_review(
            user=declarant, application=application, investigator=allowance.investigator
        )
    application = allowance.advance(application, "opinions")
    for step in (
        lambda: allowance_services.application_approve(user=declarant, application=application),
        lambda: allowance_services.application_suspend(
            user=declarant, application=application, reason="x"
        ),
        lambda: allowance_services.application_reject(
            user=declarant, application=application, reason="x"
        ),
    ):
        with pytest.raises(PermissionDenied, match="You declared this application"):
            step()
    assert allowance_selectors.actions_for(declarant, application) == []
    assert allowance_selectors.actions_for(world.staff_a, application) == [
        "approve",
        "suspend",
        "reject",
    ]
    queues = allowance_selectors.queues(user=declarant)
    assert all(not step.applications.filter(pk=application.pk).exists() for step in queues)


# --- award --------------------------------------------------------------------------------------


@pytest.fixture
def award_world(world):
    from subsidies.models import Policy

    Policy.objects.get_or_create(district=world.district, valid_from=date(2020, 1, 1))
    f.AssessmentFactory(person=world.secretary_a, year=2025, score="90.00")
    return world


def test_an_award_list_prepared_by_one_person_is_not_approved_by_them(client, award_world):
    world = award_world
    boss = User.objects.create_superuser("boss", password="x-unused-9")
    with time_machine.travel(
        datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        award_list = award_services.award_list_prepare(user=boss, township=world.town_a, year=2025)
        award_list = award_services.award_list_submit(user=boss, award_list=award_list)
    assert award_list.status == AwardStatus.SUBMITTED
    with pytest.raises(PermissionDenied, match="You prepared this award list"):
        award_services.award_list_approve(user=boss, award_list=award_list)
    with pytest.raises(PermissionDenied):
        award_services.award_list_return(user=boss, award_list=award_list, reason="x")
    assert AwardList.objects.get(pk=award_list.pk).status == AwardStatus.SUBMITTED
    assert "approve" not in award_actions(boss, award_list)
    assert "approve" in award_actions(world.admin, award_list)
    client.force_login(boss)
    body = client.get(f"/api/v1/award-lists/{award_list.pk}/").json()
    assert "approve" not in body["actions"]
    response = client.post(f"/api/v1/award-lists/{award_list.pk}/approve/", {})
    assert response.status_code == 403
    page = client.get(award_list.get_absolute_url()).content.decode()
    assert 'value="approve"' not in page
    award_services.award_list_approve(user=world.admin, award_list=award_list)


# --- training -----------------------------------------------------------------------------------


def test_nobody_verifies_training_they_logged(client, world):
    """A township staff login linked to the person who logged the entry may not verify it; the
    queue leaves it out; the API refuses."""
    cadre = f.PersonFactory(village=world.village_a)
    own = f.SelfLoggedTrainingFactory(person=cadre)
    other = f.SelfLoggedTrainingFactory(person=world.secretary_a)
    staff = f.township_staff(world.town_a, username="staff_person", person=cadre)
    with pytest.raises(PermissionDenied, match="logged themself"):
        training_services.self_logged_training_review(user=staff, entries=[own], approve=True)
    with pytest.raises(PermissionDenied):  # all or none
        training_services.self_logged_training_review(
            user=staff, entries=[own, other], approve=True
        )
    assert SelfLoggedTraining.objects.get(pk=own.pk).status == "pending"
    client.force_login(staff)
    queue = client.get(reverse("training:queue")).content.decode()
    assert f'data-entry="{own.pk}"' not in queue and f'data-entry="{other.pk}"' in queue
    response = client.post(reverse("training-log-verify", args=[own.pk]))
    assert response.status_code == 403
    assert SelfLoggedTraining.objects.get(pk=own.pk).status == "pending"
    assert (
        training_services.self_logged_training_review(user=staff, entries=[other], approve=True)
        == 1
    )
