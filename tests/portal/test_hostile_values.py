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


# --- the bounded converters and query helpers (issue 9 item 6) -------------------------------

import datetime as _dt  # noqa: E402

from django.core.exceptions import BadRequest  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import NoReverseMatch, resolve, reverse  # noqa: E402
from django.urls.exceptions import Resolver404  # noqa: E402

from portal.params import MAX_PK, query_int, query_month, query_page_size  # noqa: E402


@pytest.mark.parametrize(
    ("path", "resolves"),
    [
        ("/villages/1/", True),
        (f"/villages/{MAX_PK}/", True),
        (f"/villages/{MAX_PK + 1}/", False),
        ("/villages/99999999999999999999/", False),
        ("/villages/0/", False),
        ("/villages/007/", False),
        ("/villages/-1/", False),
        ("/payroll/months/2026-11/", True),
        ("/payroll/months/2026-13/", False),
        ("/payroll/months/0000-01/", False),
        ("/payroll/months/99999-01/", False),
        ("/payroll/ledgers/1899-12/", False),
    ],
)
def test_bounded_path_converters(path, resolves):
    """``<pk:…>`` takes 1 … 2**63-1, ``<month:…>`` YYYY-MM of 1900–2999; the rest is a 404."""
    if resolves:
        assert resolve(path)
    else:
        with pytest.raises(Resolver404):
            resolve(path)


def test_reverse_refuses_an_id_out_of_range():
    assert reverse("branches:village-detail", kwargs={"pk": 5}) == "/villages/5/"
    assert reverse("subsidies:month", args=[_dt.date(2026, 11, 1)]) == "/payroll/months/2026-11/"
    for bad in (0, -1, MAX_PK + 1):
        with pytest.raises(NoReverseMatch):
            reverse("branches:village-detail", kwargs={"pk": bad})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("0", 0),
        ("42", 42),
        ("x", BadRequest),
        ("-1", BadRequest),
        ("99999999999999999999", BadRequest),
        ("1e400", BadRequest),
        ("٣", BadRequest),
    ],
)
def test_query_int(raw, expected):
    request = RequestFactory().get("/", {"n": raw})
    if expected is BadRequest:
        with pytest.raises(BadRequest):
            query_int(request, "n")
    else:
        assert query_int(request, "n") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("2026-11", _dt.date(2026, 11, 1)),
        ("2026-13", BadRequest),
        ("0000-01", BadRequest),
        ("2026-1", BadRequest),
        ("x" * 300, BadRequest),
    ],
)
def test_query_month(raw, expected):
    request = RequestFactory().get("/", {"month": raw})
    if expected is BadRequest:
        with pytest.raises(BadRequest):
            query_month(request)
    else:
        assert query_month(request) == expected


def test_query_page_size_falls_back_to_the_default_and_refuses_garbage():
    factory = RequestFactory()
    assert query_page_size(factory.get("/", {"per_page": "50"}), (25, 50), 25) == 50
    assert query_page_size(factory.get("/", {"per_page": "7"}), (25, 50), 25) == 25
    with pytest.raises(BadRequest):
        query_page_size(factory.get("/", {"per_page": "abc"}), (25, 50), 25)


@pytest.mark.parametrize(
    "url",
    [
        "/payroll/ledgers/?year=0",
        "/payroll/ledgers/?year=99999999999999999999",
        "/training/courses/?year=0",
        "/training/courses/?year=99999999999999999999",
        "/people/?township=abc",
        "/payroll/ledgers/exports/?month=2026-13",
        "/audit/?since=not-a-date",
        "/people/?per_page=abc",
        "/training/compliance/?township=abc",
        "/people/?q=%00",
        "/public/?x=%00",
        "/public/" + "x" * 1100 + "/",
    ],
)
def test_bad_query_values_are_a_400(client, world, url):
    """A value a page cannot take is a 400 (Bad Request) — a filter form with its errors, or
    the helper's refusal — where it was a 500 or silently ignored."""
    client.raise_request_exception = False
    client.force_login(world.admin)
    assert client.get(url).status_code == 400, url


def test_an_invalid_filter_shows_its_form_with_the_error(client, world, settings):
    """The filter form says what is wrong (the page answers 400, with no rows)."""
    client.force_login(world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen with the switch
    response = client.get("/training/courses/?year=0")
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1900" in response.content.decode()
    client.force_login(world.staff_a)
    assert client.get("/training/queue/?year=0").status_code == 400
