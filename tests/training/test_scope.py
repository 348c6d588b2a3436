"""Scope rules of the training models (SPEC §1): who sees and who changes what."""

import pytest
from django.apps import apps

from portal.scope import CHANGE, SCOPES, scope_queryset
from tests import factories as f
from training.models import Attendance, Course, SelfLoggedTraining, TrainingPolicy

pytestmark = pytest.mark.django_db


def test_every_training_model_has_a_scope_rule():
    for model in apps.get_app_config("training").get_models():
        assert f"training.{model._meta.model_name}" in SCOPES, model


@pytest.fixture
def courses(world):
    return {
        "district": f.CourseFactory(township=None, district=world.district),
        "a": f.CourseFactory(township=world.town_a),
        "b": f.CourseFactory(township=world.town_b),
        "elsewhere": f.CourseFactory(
            township=f.TownshipFactory(district=f.DistrictFactory(code="D-OTHER"))
        ),
    }


@pytest.mark.parametrize(
    ("who", "view", "change"),
    [
        ("admin", {"district", "a", "b"}, {"district", "a", "b"}),
        ("finance", {"district", "a", "b"}, set()),
        ("staff_a", {"district", "a"}, {"a"}),
        ("staff_b", {"district", "b"}, {"b"}),
        ("secretary", {"district", "a"}, set()),
        ("reviewer_a", set(), set()),
    ],
)
def test_courses(world, courses, who, view, change):
    user = getattr(world, who)
    names = {v.pk: k for k, v in courses.items()}
    assert {names[c.pk] for c in scope_queryset(user, Course)} == view
    assert {names[c.pk] for c in scope_queryset(user, Course, CHANGE)} == change


def test_self_logged_training_and_attendance(world, courses):
    other = f.PersonFactory(village=world.village_b)
    own_entry = f.SelfLoggedTrainingFactory(person=world.secretary_a)
    other_entry = f.SelfLoggedTrainingFactory(person=other)
    own_att = f.AttendanceFactory(course=courses["district"], person=world.secretary_a)
    other_att = f.AttendanceFactory(course=courses["district"], person=other)
    expected = {
        "secretary": ({own_entry}, set(), {own_att}),
        "staff_a": ({own_entry}, {own_entry}, {own_att}),
        "staff_b": ({other_entry}, {other_entry}, {other_att}),
        "admin": ({own_entry, other_entry}, set(), {own_att, other_att}),
        "finance": (set(), set(), {own_att, other_att}),
        "reviewer_a": (set(), set(), set()),
    }
    for who, (entries, reviewable, attendance) in expected.items():
        user = getattr(world, who)
        assert set(scope_queryset(user, SelfLoggedTraining)) == entries, who
        if who != "secretary":  # a secretary "changes" (withdraws) only their own
            assert set(scope_queryset(user, SelfLoggedTraining, CHANGE)) == reviewable, who
        assert set(scope_queryset(user, Attendance)) == attendance, who
    assert set(scope_queryset(world.secretary, SelfLoggedTraining, CHANGE)) == {own_entry}


def test_policy_is_read_in_the_district_and_changed_by_its_admin(world):
    policy = TrainingPolicy.objects.create(district=world.district, year=2025)
    elsewhere = TrainingPolicy.objects.create(district=f.DistrictFactory(code="D-X"), year=2025)
    for who in ("admin", "finance", "staff_a", "secretary"):
        assert list(scope_queryset(getattr(world, who), TrainingPolicy)) == [policy], who
    assert list(scope_queryset(world.admin, TrainingPolicy, CHANGE)) == [policy]
    assert not scope_queryset(world.staff_a, TrainingPolicy, CHANGE).exists()
    assert elsewhere not in scope_queryset(world.admin, TrainingPolicy)
