"""Hostile path and query values are a 400 or a 404, never a 500 (issue 9, item 6): the
probe's URLs, and each year-taking page with years out of range."""

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = ["0", "-1", "99999999999999999999", "%00", "x" * 300, "abc", "1800"]


@pytest.mark.parametrize(
    "url",
    [
        "/public/%00/",
        "/?year=0",
        "/?year=99999999999999999999",
        "/?year=%00",
        "/payroll/floor/99999999999999999999/",
        "/payroll/floor/0/",
    ],
)
def test_the_probe_urls_are_refused_without_a_500(client, world, url):
    client.raise_request_exception = False
    for user in (None, world.admin):
        if user:
            client.force_login(user)
        assert client.get(url).status_code in (302, 400, 404)


@pytest.mark.parametrize("value", HOSTILE)
def test_year_values_in_paths_and_queries(client, world, value):
    client.raise_request_exception = False
    client.force_login(world.admin)
    for url in (
        f"/payroll/floor/{value}/",
        f"/public/T-A/V-A1/{value}/",
        f"/?year={value}",
    ):
        assert client.get(url).status_code in (400, 404), url
