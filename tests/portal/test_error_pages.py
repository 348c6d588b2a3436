"""400, 403, 404 and 500 pages in the portal's layout and language, with a way back
(issue 10). The test settings run with DEBUG False, as production does."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

pytestmark = pytest.mark.django_db


def assert_portal_error_page(page: str, code: str, heading: str) -> None:
    assert heading in page and code in page
    assert 'id="home-link"' in page and "返回首页" in page
    assert "portal.css" in page  # the portal's look, not Django's bare text
    assert "Not Found" not in page and "Server Error" not in page


def test_404_is_a_portal_page_in_chinese_with_a_link_home(client, world, settings):
    assert settings.DEBUG is False
    client.force_login(world.staff_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert_portal_error_page(page, "404", "页面不存在")
    assert f'href="{reverse("home")}"' in page
    assert 'class="portal-nav"' in page  # the portal's menu: the user is not lost


def test_403_is_a_portal_page_in_chinese_with_a_link_home(client, world):
    client.force_login(world.secretary)  # the audit trail is not theirs to search
    response = client.get(reverse("audit-log"))
    assert response.status_code == 403
    assert_portal_error_page(response.content.decode(), "403", "无权访问")


def test_400_is_a_portal_page_in_chinese_with_a_link_home(client, world):
    client.force_login(world.staff_a)
    response = client.get(reverse("cadres:person-list"), {"per_page": "abc"})
    assert response.status_code == 400
    assert_portal_error_page(response.content.decode(), "400", "请求有误")


def test_400_and_500_render_without_a_request_context():
    """Django's handlers render 400.html and 500.html with no request: neither may need one
    (nor the database, which may be why the server failed)."""
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
        assert response.status_code == 500
        assert_portal_error_page(response.content.decode(), "500", "服务器错误")
        response = bad_request(request, exception=None)
        assert response.status_code == 400
        assert_portal_error_page(response.content.decode(), "400", "请求有误")


def test_500_from_a_failing_view_is_the_portal_page_in_chinese(client, world, monkeypatch):
    from portal import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get", broken)
    client.raise_request_exception = False
    client.force_login(world.staff_a)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert_portal_error_page(response.content.decode(), "500", "服务器错误")
