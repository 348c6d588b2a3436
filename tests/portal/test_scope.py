"""One scoping function (SPEC §1): a township user cannot list, read or change another
township's rows by id — in the pages, the API and the admin; a secretary sees only themself
and their village."""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import Branch, PartyMember, Township, Village
from cadres.models import Person, Post
from portal.scope import CHANGE, SCOPES, scope_queryset
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    """One of each registry row in township A and in township B."""
    out = {}
    for key, village in (("a", world.village_a), ("b", world.village_b)):
        person = f.PersonFactory(village=village)
        branch = f.BranchFactory(township=village.township)
        branch.villages.add(village)
        out[key] = {
            "village": village,
            "branch": branch,
            "person": person,
            "post": f.PostFactory(person=person, village=village, role="committee_member"),
            "member": f.PartyMemberFactory(person=person, branch=branch),
            "appraisal": f.AppraisalFactory(person=person),
        }
    return out


def test_every_registry_model_has_a_scope_rule():
    from django.apps import apps

    for app in ("branches", "cadres"):
        for model in apps.get_app_config(app).get_models():
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            assert label in SCOPES, f"{label} has no scope rule"


@pytest.mark.parametrize("model", [Village, Branch, Person, Post, PartyMember])
def test_township_staff_see_only_their_township(world, rows, model):
    visible = scope_queryset(world.staff_a, model)
    key = {
        Village: "village",
        Branch: "branch",
        Person: "person",
        Post: "post",
        PartyMember: "member",
    }[model]
    assert rows["a"][key] in visible
    assert rows["b"][key] not in visible
    assert scope_queryset(world.admin, model).filter(pk=rows["b"][key].pk).exists()


def test_reviewers_see_no_registry_and_finance_may_not_change_it(world, rows):
    assert not scope_queryset(world.reviewer_a, Person).exists()
    assert scope_queryset(world.finance, Person).filter(pk=rows["b"]["person"].pk).exists()
    assert not scope_queryset(world.finance, Person, CHANGE).exists()


def test_secretary_sees_only_themself_and_their_village(world, rows):
    user = world.secretary
    assert list(scope_queryset(user, Person)) == [world.secretary_a]
    assert list(scope_queryset(user, Village)) == [world.village_a]
    assert list(scope_queryset(user, Township)) == [world.town_a]
    assert set(scope_queryset(user, Post)) == set(world.secretary_a.posts.all())
    assert list(scope_queryset(user, Branch)) == [rows["a"]["branch"]]
    assert not scope_queryset(user, PartyMember).exists()
    assert not scope_queryset(user, Person, CHANGE).exists()


def test_former_secretary_loses_the_village(world):
    post = world.secretary_a.posts.get()
    post.end_date, post.end_reason = date(2020, 1, 1), "term_ended"
    post.save()
    assert not scope_queryset(world.secretary, Village).exists()
    assert list(scope_queryset(world.secretary, Person)) == [world.secretary_a]


DETAIL_PAGES = [
    ("branches:village-detail", "village"),
    ("branches:village-edit", "village"),
    ("branches:branch-detail", "branch"),
    ("branches:branch-edit", "branch"),
    ("cadres:person-detail", "person"),
    ("cadres:person-edit", "person"),
    ("cadres:post-edit", "post"),
    ("branches:member-detail", "member"),
    ("branches:member-edit", "member"),
]


@pytest.mark.parametrize(("url_name", "key"), DETAIL_PAGES)
def test_pages_give_404_for_another_townships_ids(client, world, rows, url_name, key):
    client.force_login(world.staff_a)
    assert client.get(reverse(url_name, args=[rows["a"][key].pk])).status_code == 200
    assert client.get(reverse(url_name, args=[rows["b"][key].pk])).status_code == 404
    response = client.post(reverse(url_name, args=[rows["b"][key].pk]), {"name": "改"})
    assert response.status_code in (404, 405)


@pytest.mark.parametrize(
    ("url_name", "key", "expected"),
    [
        ("branches:village-list", "village", "name"),
        ("branches:branch-list", "branch", "name"),
        ("cadres:person-list", "person", "name"),
        ("branches:member-list", "member", "person.name"),
    ],
)
def test_lists_hold_only_the_users_township(client, world, rows, url_name, key, expected):
    client.force_login(world.staff_a)
    content = client.get(reverse(url_name), {"per_page": 200}).content.decode()

    def text(obj):
        for part in expected.split("."):
            obj = getattr(obj, part)
        return obj

    assert text(rows["a"][key]) in content
    assert text(rows["b"][key]) not in content


API_ENDPOINTS = [
    ("village", "village", {"name": "改名"}),
    ("branch", "branch", {"name": "改名"}),
    ("person", "person", {"name": "改名"}),
    ("post", "post", {"end_reason": ""}),
    ("member", "member", {"stage": "full"}),
    ("appraisal", "appraisal", None),
]


@pytest.mark.parametrize(("basename", "key", "patch"), API_ENDPOINTS)
def test_api_gives_404_for_another_townships_ids(client, world, rows, basename, key, patch):
    client.force_login(world.staff_a)
    own, other = rows["a"][key].pk, rows["b"][key].pk
    listing = client.get(reverse(f"{basename}-list"), {"page_size": 100}).json()
    ids = {row["id"] for row in listing["results"]}
    assert own in ids and other not in ids
    assert client.get(reverse(f"{basename}-detail", args=[own])).status_code == 200
    assert client.get(reverse(f"{basename}-detail", args=[other])).status_code == 404
    if patch is not None:
        response = client.patch(
            reverse(f"{basename}-detail", args=[other]), patch, content_type="application/json"
        )
        assert response.status_code == 404
    assert client.delete(reverse(f"{basename}-detail", args=[other])).status_code == 404
    assert type(rows["b"][key]).objects.filter(pk=other).exists()


def test_api_refuses_to_place_a_row_in_another_township(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("person-list"),
        {"village": world.village_b.pk, "name": "越界", "id_number": "11010519491231002X"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "village" in response.json()
    assert not Person.objects.filter(name="越界").exists()


def test_page_form_refuses_a_forged_village_id(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("cadres:person-add"),
        {
            "village": world.village_b.pk,
            "name": "越界",
            "id_number": "11010519491231002X",
            "gender": "F",
            "birth_date": "1949-12-31",
        },
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Person.objects.filter(name="越界").exists()


def test_secretary_api_sees_only_themself(client, world, rows):
    client.force_login(world.secretary)
    people = client.get(reverse("person-list")).json()["results"]
    assert [p["id"] for p in people] == [world.secretary_a.pk]
    assert client.get(reverse("person-detail", args=[rows["a"]["person"].pk])).status_code == 404
    response = client.patch(
        reverse("person-detail", args=[world.secretary_a.pk]),
        {"name": "改"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_admin_is_scoped(client, world, rows):
    staff_admin = f.district_admin(f.DistrictFactory(code="D999"), username="other_admin")
    client.force_login(staff_admin)
    response = client.get(reverse("admin:cadres_person_change", args=[rows["a"]["person"].pk]))
    assert response.status_code in (302, 404)
    client.force_login(world.admin)
    response = client.get(reverse("admin:cadres_person_change", args=[rows["a"]["person"].pk]))
    assert response.status_code == 200
