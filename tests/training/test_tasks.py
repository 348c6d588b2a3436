"""R-TRN-1 reminders: from 1 October, weekly, one per person and ISO week however often
the task runs; an in-portal notification and an e-mail where the person has an address."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings

from portal.models import Notification
from tests import factories as f
from training import services
from training.models import TrainingPolicy, TrainingReminder
from training.tasks import training_reminders_task

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 10, 6)  # ISO week 41


@pytest.fixture
def behind(world):
    world.secretary_a.email = "li@example.cn"
    world.secretary_a.save()
    return world.secretary_a


def test_twice_in_a_week_sends_once_and_next_week_again(world, behind, mailoutbox):
    assert training_reminders_task.delay(MONDAY.isoformat()).get() == 1
    assert training_reminders_task.delay("2025-10-08").get() == 0
    assert services.training_reminders_send(today=date(2025, 10, 12)) == 0
    assert Notification.objects.filter(recipient=world.secretary).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li@example.cn"]
    assert "7.0" in mailoutbox[0].body
    assert TrainingReminder.objects.get().emailed
    assert services.training_reminders_send(today=date(2025, 10, 13)) == 1
    assert Notification.objects.filter(recipient=world.secretary).count() == 2
    assert len(mailoutbox) == 2


def test_nothing_before_1_october(world, behind, mailoutbox):
    assert services.training_reminders_send(today=date(2025, 9, 30)) == 0
    assert not TrainingReminder.objects.exists() and not mailoutbox


def test_the_start_is_policy(world, behind):
    TrainingPolicy.objects.create(district=world.district, year=2025, reminder_month=9)
    assert services.training_reminders_send(today=date(2025, 9, 1)) == 1


def test_only_those_behind_and_serving(world, behind, mailoutbox):
    done = f.PersonFactory(village=world.village_b, email="done@example.cn")
    f.PostFactory(person=done, village=world.village_b, start_date=date(2019, 1, 1))
    course = f.CourseFactory(township=world.town_b, hours=D("56"), end_date=date(2025, 5, 12))
    f.AttendanceFactory(course=course, person=done)
    no_mail = f.PersonFactory(village=f.VillageFactory(township=world.town_b))
    f.PostFactory(person=no_mail, village=no_mail.village, start_date=date(2019, 1, 1))
    assert services.training_reminders_send(today=MONDAY) == 2
    assert set(TrainingReminder.objects.values_list("person", flat=True)) == {
        behind.pk,
        no_mail.pk,
    }
    assert [m.to for m in mailoutbox] == [["li@example.cn"]]  # no address, no e-mail
    # the person without a login gets no notification, only the record
    assert Notification.objects.count() == 1


def test_the_beat_runs_weekly(world):
    entry = settings.CELERY_BEAT_SCHEDULE["training-reminders"]
    assert entry["task"] == "training.tasks.training_reminders_task"
    assert entry["schedule"].day_of_week == {1}
