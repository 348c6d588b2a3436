"""``demo_users`` (issue 2): one login per role on the demo data, idempotent, each able to log
in and land on a page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.utils import timezone

from branches.models import District, Township
from cadres.choices import PostRole
from cadres.models import Post
from cadres.selectors import is_one_shoulder, posts_on
from portal.choices import ReviewerKind, Role
from portal.models import User

pytestmark = pytest.mark.django_db

USERNAMES = ["admin", "town", "secretary", "reviewer", "reviewer2", "finance"]


def demo_users(*args) -> str:
    out = StringIO()
    call_command("demo_users", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    # anchored on today: the pages and the secretary's scope use the real date
    call_command("seed_demo", townships=2, villages=4, stdout=StringIO())


def test_refuses_clearly_without_demo_data():
    with pytest.raises(CommandError, match="seed_demo"):
        demo_users()
    assert not User.objects.exists()


def test_one_login_per_role_with_its_place(seeded):
    demo_users()
    district = District.objects.get()
    township = Township.objects.order_by("code").first()
    users = {u.username: u for u in User.objects.all()}
    assert sorted(users) == sorted(USERNAMES)
    admin = users["admin"]
    assert (admin.role, admin.district, admin.is_staff, admin.is_superuser) == (
        Role.DISTRICT_ADMIN,
        district,
        True,
        False,
    )
    assert (users["town"].role, users["town"].township) == (Role.TOWNSHIP_STAFF, township)
    assert (users["finance"].role, users["finance"].district) == (Role.FINANCE, district)
    assert users["reviewer"].reviewer_kind == ReviewerKind.DISCIPLINE
    assert users["reviewer2"].reviewer_kind == ReviewerKind.COMPREHENSIVE
    assert {users["reviewer"].township, users["reviewer2"].township} == {township}
    secretary = users["secretary"].person
    today = timezone.localdate()
    post = Post.objects.get(posts_on(today), person=secretary, role=PostRole.SECRETARY)
    assert post.village == township.villages.order_by("code").first()
    assert is_one_shoulder(secretary, today)


def test_is_idempotent_and_takes_a_password(seeded):
    demo_users()
    before = dict(User.objects.values_list("username", "pk"))
    out = demo_users("--password", "another-pass-1")
    assert dict(User.objects.values_list("username", "pk")) == before
    assert User.objects.count() == 6
    assert "another-pass-1" in out
    assert all(u.check_password("another-pass-1") for u in User.objects.all())


def test_prints_the_logins_and_the_url(seeded, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = demo_users()
    for username in USERNAMES:
        assert username in out
    assert "demo12345" in out
    assert "http://127.0.0.1:8123/" in out


@pytest.mark.parametrize("username", USERNAMES)
def test_each_login_lands_on_a_page(seeded, client, username):
    demo_users()
    # django-axes' backend needs the request it throttles: a bare one stands in for it
    assert client.login(request=HttpRequest(), username=username, password="demo12345")
    response = client.get("/", follow=True)
    assert response.status_code == 200


def test_the_admin_login_opens_the_django_admin(seeded, client):
    demo_users()
    client.login(request=HttpRequest(), username="admin", password="demo12345")
    assert client.get("/admin/").status_code == 200


def test_make_demo_twice_keeps_the_data_and_the_logins(seeded):
    demo_users()
    people = Post.objects.count()
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "already has villages" in out.getvalue()
    demo_users()
    assert Post.objects.count() == people
    assert User.objects.count() == 6
