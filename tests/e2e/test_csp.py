"""The Content-Security-Policy in a real browser (issue 9 item 6): the main pages and the
Swagger page load with no violation on the console (the ``page`` fixture fails the test on
one), and what moved out of the pages into static/portal/portal.js still works."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e

PAGES = [
    "home",
    "cadres:person-list",
    "branches:village-list",
    "subsidies:run-list",
    "training:compliance",
    "training:district",
    "training:course-list",
    "allowance:queue",
    "audit-log",
    "notifications",
    "disclosure:index",
]


def test_main_pages_and_swagger_without_violations(world, live_server, page, login):
    login(page, world.admin)
    for name in PAGES:
        response = page.goto(live_server.url + reverse(name))
        assert response.status == 200, name
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(live_server.url + reverse("api-docs"))
    page.wait_for_selector(".swagger-ui .info .title")


def test_the_language_switch_submits_without_an_inline_handler(world, live_server, page, login):
    login(page, world.staff_a)
    page.goto(live_server.url + reverse("home"))
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
