"""The portal shell: login, role-aware navigation, language switch, masking, and list pages
whose query count does not grow with the page size."""

import pytest
from django.urls import reverse

from portal.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("func", "value", "masked"),
    [
        (mask_id_number, "110101196802291234", "110***********1234"),
        (mask_id_number, "", ""),
        (mask_bank_account, "6222021234567890", "************7890"),
        (mask_bank_account, "123", "***"),
        (mask_name, "张三明", "张*明"),
        (mask_name, "欧阳小明", "欧**明"),
        (mask_name, "张三", "张*"),
        (mask_phone, "13812345678", "138****5678"),
    ],
)
def test_masking(func, value, masked):
    assert func(value) == masked


def test_login_and_logout(client, world):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert (
        client.post(
            reverse("login"), {"username": "staff_a", "password": "pass-word-123"}
        ).status_code
        == 302
    )
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_chinese_by_default_and_english_on_request(client, world):
    client.force_login(world.staff_a)
    assert "村" in client.get(reverse("branches:village-list")).content.decode()
    page = client.get(reverse("branches:village-list")).content.decode()
    assert "村庄" in page or "行政村" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("branches:village-list")).content.decode()
    assert "Villages" in page


def test_navigation_is_role_aware(client, world):
    client.force_login(world.reviewer_a)
    nav = [url for _label, url in client.get(reverse("home")).context["nav_items"]]
    assert nav == [reverse("home"), reverse("allowance:queue")]  # the applications sent to them
    client.force_login(world.staff_a)
    assert len(client.get(reverse("home")).context["nav_items"]) >= 5


def test_secretary_lands_on_their_own_page(client, world):
    client.force_login(world.secretary)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("cadres:person-detail", args=[world.secretary_a.pk])


def test_person_list_masks_id_and_account(client, world):
    person = f.PersonFactory(village=world.village_a, bank_account="6222021234567890")
    client.force_login(world.staff_a)
    page = client.get(reverse("cadres:person-list")).content.decode()
    assert person.id_number not in page
    assert mask_id_number(person.id_number) in page
    assert "6222021234567890" not in page
    assert "************7890" in page


def test_person_detail_shows_full_id_to_keepers_and_never_the_account(client, world):
    person = f.PersonFactory(village=world.village_a, bank_account="6222021234567890")
    client.force_login(world.staff_a)
    page = client.get(reverse("cadres:person-detail", args=[person.pk])).content.decode()
    assert person.id_number in page and "6222021234567890" not in page
    client.force_login(world.finance)
    page = client.get(reverse("cadres:person-detail", args=[person.pk])).content.decode()
    assert person.id_number not in page and "6222021234567890" not in page


def test_api_masks_id_in_lists_and_never_returns_the_account(client, world):
    person = f.PersonFactory(village=world.village_a, bank_account="6222021234567890")
    client.force_login(world.staff_a)
    rows = client.get(reverse("person-list")).json()["results"]
    row = next(r for r in rows if r["id"] == person.pk)
    assert row["id_number"] == mask_id_number(person.id_number)
    assert "bank_account" not in row and row["bank_account_masked"] == "************7890"
    detail = client.get(reverse("person-detail", args=[person.pk])).json()
    assert detail["id_number"] == person.id_number


def populate(world, n):
    branch = f.BranchFactory(township=world.town_a)
    for _ in range(n):
        village = f.VillageFactory(township=world.town_a)
        branch.villages.add(village)
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village)
        f.PartyMemberFactory(person=person, branch=branch)


LISTS = [
    "branches:village-list",
    "branches:branch-list",
    "cadres:person-list",
    "branches:member-list",
]


@pytest.mark.parametrize("url_name", LISTS)
def test_list_pages_run_a_fixed_number_of_queries(
    client, world, url_name, django_assert_max_num_queries
):
    populate(world, 30)
    client.force_login(world.staff_a)
    counts = []
    for per_page in (25, 100):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(url_name), {"per_page": per_page})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(reverse(url_name), {"per_page": 100})


API_LISTS = [
    "village-list",
    "branch-list",
    "person-list",
    "member-list",
    "post-list",
    "appraisal-list",
]


@pytest.mark.parametrize("url_name", API_LISTS)
def test_api_lists_run_a_fixed_number_of_queries(client, world, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    populate(world, 30)
    client.force_login(world.staff_a)
    counts = []
    for size in (5, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name), {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_openapi_schema_and_docs(client, world):
    """Issue 9: the schema and the Swagger page need a login (they were open to anyone)."""
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    assert client.get(reverse("api-docs")).status_code in (401, 403)
    client.force_login(world.staff_a)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/people/" in schema.json()["paths"]
    assert client.get(reverse("api-docs")).status_code == 200


def test_token_authentication(client, world):
    response = client.post(
        reverse("api-token"), {"username": "staff_a", "password": "pass-word-123"}
    )
    token = response.json()["token"]
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(reverse("village-list")).status_code == 200
    assert Client().get(reverse("village-list")).status_code in (401, 403)


def test_forms_save_through_services_and_show_clear_errors(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("cadres:post-add"),
        {
            "person": f.PersonFactory(village=world.village_a).pk,
            "village": world.village_a.pk,
            "role": "secretary",
            "start_date": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "branch secretary" in str(response.context["form"].errors) or "书记" in str(
        response.context["form"].errors
    )


def test_notification_page_offers_page_sizes_and_obeys_per_page(client, world):
    """Issue 10 (smaller things): the notification page paginates like the other lists."""
    from portal.models import Notification

    Notification.objects.bulk_create(
        Notification(recipient=world.staff_a, text=f"notice {i}") for i in range(30)
    )
    client.force_login(world.staff_a)
    small = client.get(reverse("notifications"))
    assert len(small.context["page_obj"].object_list) == 25
    assert "per_page=50" in small.content.decode()
    large = client.get(reverse("notifications"), {"per_page": 50})
    assert len(large.context["page_obj"].object_list) == 30
    assert client.get(reverse("notifications"), {"per_page": "abc"}).status_code == 400
