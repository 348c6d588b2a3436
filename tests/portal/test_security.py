"""Hardening against misuse (issue 6): login lock-out after repeated failures (django-axes, ON
in these tests), the client's address behind a proxy, password validation where users are
created."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.models import User
from portal.security import client_ip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LOGIN = reverse("login")
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_username_at_that_address(client, world, settings):
    assert settings.AXES_ENABLED and settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, "staff_a", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    locked = attempt(client, "staff_a", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins: this account is locked for 30 minutes" in page
    assert 'name="username"' in page  # still the login page
    # now even the right password is refused at that address, and nobody is logged in
    refused = attempt(client, "staff_a", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # the same user from another address, and another user from this one, still log in
    assert attempt(client, "staff_a", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "staff_b", PASSWORD).status_code == 302


def test_a_success_clears_the_count(client, world):
    for _ in range(4):
        attempt(client, "staff_a", "wrong")
    assert attempt(client, "staff_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "staff_a", "wrong").status_code == 200
    assert attempt(client, "staff_a", PASSWORD).status_code == 302


def test_the_lock_out_ends_after_the_cool_off(client, world, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "staff_a", "wrong")
    assert attempt(client, "staff_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=f_time(settings.AXES_COOLOFF_TIME + timedelta(1)))
    assert attempt(client, "staff_a", PASSWORD).status_code == 302


def f_time(ago):
    from django.utils import timezone

    return timezone.now() - ago


def test_the_api_token_endpoint_is_throttled_too(client, world):
    url = reverse("api-token")
    for _ in range(5):
        response = client.post(url, {"username": "staff_a", "password": "wrong"})
        assert response.status_code in (400, 429)
    response = client.post(url, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.content.decode()


def test_the_api_token_endpoint_answers_429_while_locked_out(client, world, settings):
    """Issue 9: while locked out, the token endpoint answers 429 with Retry-After (it
    answered 400, as for a wrong password), even to the right password."""
    url = reverse("api-token")
    for _ in range(4):
        assert client.post(url, {"username": "staff_a", "password": "wrong"}).status_code == 400
    locked = client.post(url, {"username": "staff_a", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    refused = client.post(url, {"username": "staff_a", "password": PASSWORD})
    assert refused.status_code == 429 and "token" not in refused.json()
    assert client.post(url, {"username": "staff_b", "password": PASSWORD}).status_code == 200


def test_the_login_page_lock_out_says_when_to_retry(client, world):
    for _ in range(5):
        locked = attempt(client, "staff_a", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == "1800"


def test_force_login_is_not_affected(client, world):
    for _ in range(6):
        attempt(client, "staff_a", "wrong", address="127.0.0.1")
    client.force_login(world.staff_a)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # no proxy: the header is the client's word
        (1, "10.0.0.9", "1.2.3.4", "1.2.3.4"),
        (1, "10.0.0.9", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged left-most entry is ignored
        (2, "10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),
        (2, "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # fewer entries than proxies: not trusted
        (1, "10.0.0.9", "", "10.0.0.9"),
    ],
)
def test_client_address_behind_proxies(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_admin_refuses_a_weak_password_for_a_new_user(client, world):
    root = User.objects.create_superuser("root", "root@example.org", "Root-pass-4567")
    client.force_login(root)
    url = reverse("admin:portal_user_add")
    data = {
        "username": "newuser",
        "usable_password": "true",
        "password1": "12345678",
        "password2": "12345678",
        "role": "finance",
        "district": world.district.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not User.objects.filter(username="newuser").exists()
    assert "This password is too common." in response.content.decode()
    data["password1"] = data["password2"] = "Longer-and-rarer-9183"
    assert client.post(url, data).status_code == 302
    assert User.objects.get(username="newuser").check_password("Longer-and-rarer-9183")
