"""The invariants SPEC §2 gives to the database: end ≥ start; at most one branch secretary and
one committee director per village on any day (exclusion constraints on PostgreSQL, checked
under concurrent writes); unique ID numbers; a birth date that agrees with the ID."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from cadres.choices import EndReason, PostRole
from cadres.models import Person, Post
from cadres.services import person_record, post_end, post_record
from portal.services import save_checked
from tests import factories as f
from tests.markers import requires_postgres

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_post_cannot_end_before_it_starts_in_the_database():
    person = f.PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            person=person,
            village=person.village,
            role=PostRole.DEPUTY_SECRETARY,
            start_date=date(2024, 5, 1),
            end_date=date(2024, 4, 30),
            end_reason=EndReason.TERM_ENDED,
        )


def test_post_service_reports_end_before_start_clearly():
    person = f.PersonFactory()
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        post_record(
            user=None,
            person=person,
            village=person.village,
            role=PostRole.DEPUTY_SECRETARY,
            start_date=date(2024, 5, 1),
            end_date=date(2024, 4, 30),
            end_reason=EndReason.TERM_ENDED,
        )
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("role", "message"),
    [(PostRole.SECRETARY, "branch secretary"), (PostRole.DIRECTOR, "committee director")],
)
def test_service_refuses_a_second_holder_on_an_overlapping_day(role, message):
    first = f.PostFactory(
        role=role,
        start_date=date(2020, 1, 1),
        end_date=date(2024, 6, 15),
        end_reason=EndReason.TERM_ENDED,
    )
    other = f.PersonFactory(village=first.village)
    with pytest.raises(ValidationError, match=message):
        post_record(
            user=None, person=other, village=first.village, role=role, start_date=date(2024, 6, 15)
        )
    # The day after the first tenure ends is free.
    post_record(
        user=None, person=other, village=first.village, role=role, start_date=date(2024, 6, 16)
    )
    assert Post.objects.filter(role=role).count() == 2


def test_other_roles_and_other_villages_may_overlap():
    first = f.PostFactory(role=PostRole.SECRETARY)
    f.PostFactory(role=PostRole.SECRETARY)  # another village
    for _ in range(3):
        f.PostFactory(
            role=PostRole.COMMITTEE_MEMBER,
            village=first.village,
            person=f.PersonFactory(village=first.village),
        )
    assert Post.objects.count() == 5


def test_one_person_may_hold_secretary_and_director_at_once():
    post = f.PostFactory(role=PostRole.SECRETARY)
    post_record(
        user=None,
        person=post.person,
        village=post.village,
        role=PostRole.DIRECTOR,
        start_date=date(2021, 1, 1),
    )
    assert post.person.posts.count() == 2


def test_ending_a_post_needs_a_reason_and_happens_once():
    post = f.PostFactory()
    post_end(user=None, post=post, end_date=date(2025, 1, 31), end_reason=EndReason.RETIRED)
    with pytest.raises(ValidationError, match="already ended"):
        post_end(user=None, post=post, end_date=date(2025, 2, 1), end_reason=EndReason.RETIRED)


@requires_postgres
@pytest.mark.parametrize("role", [PostRole.SECRETARY, PostRole.DIRECTOR])
def test_exclusion_constraint_holds_without_the_service(role):
    """Writes that skip validation (bulk, raw) still cannot give a village two holders."""
    first = f.PostFactory(role=role, start_date=date(2020, 1, 1))
    other = f.PersonFactory(village=first.village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.bulk_create(
            [Post(person=other, village=first.village, role=role, start_date=date(2023, 1, 1))]
        )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_holds_under_concurrent_writes():
    """Two sessions each validate (nobody else holds the post yet) and then insert: the
    database lets exactly one of them commit, and the other gets the constraint's message."""
    village = f.VillageFactory()
    people = [f.PersonFactory(village=village) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def appoint(person):
        try:
            with translation.override("en"), transaction.atomic():
                post = Post(
                    person=person,
                    village=village,
                    role=PostRole.SECRETARY,
                    start_date=date(2024, 1, 1),
                )
                post.full_clean()  # both pass: neither sees the other's row
                barrier.wait(timeout=10)
                save_checked(post)
            outcomes.append("ok")
        except ValidationError as exc:
            assert "branch secretary" in exc.messages[0]
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Post.objects.filter(village=village, role=PostRole.SECRETARY).count() == 1


def test_id_number_is_unique():
    person = f.PersonFactory()
    with pytest.raises(ValidationError, match="ID number"):
        person_record(user=None, village=person.village, name="重复", id_number=person.id_number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            village=person.village,
            name="重复",
            id_number=person.id_number,
            gender="M",
            birth_date=person.birth_date,
        )


def test_birth_date_must_agree_with_the_id_number():
    village = f.VillageFactory()
    number = "11010519491231002X"
    with pytest.raises(ValidationError, match="does not agree"):
        person_record(
            user=None, village=village, name="王五", id_number=number, birth_date=date(1950, 1, 1)
        )
    person = person_record(user=None, village=village, name="王五", id_number=number)
    assert person.birth_date == date(1949, 12, 31)
    assert person.gender == "F"


def test_bad_id_number_saves_nothing():
    village = f.VillageFactory()
    with pytest.raises(ValidationError, match="check digit"):
        person_record(user=None, village=village, name="王五", id_number="110105194912310021")
    assert not Person.objects.exists()
