"""No hostile path or query value is a 500 (issue 9, item 6): every URL pattern of the URL
conf — pages, the public site, the API, the admin — walked from ``get_resolver()`` with each
path parameter filled with hostile values, and every page that answers a plain GET asked again
with hostile query parameters; as a district admin and anonymously. Every answer is a 2xx, a
redirect, 400, 403, 404 or 405 — never a 500.

A bounded, fixed value set (no Hypothesis): the whole walk takes well under a minute on SQLite.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.portal.test_permission_matrix import MATRIX, objects  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

# Each one broke something once: 0 and -1 (date(0, 1, 1)), beyond a 64-bit integer
# (OverflowError), a NUL byte (PostgreSQL refuses it in a string), an over-long value,
# non-digits, a month that does not exist, a float beyond a double.
HOSTILE = [
    "0",
    "-1",
    "99999999999999999999",
    "%00",
    "x" * 300,
    "abc",
    "2026-13",
    "1e400",
]
# Query parameters read by the views (grep request.GET) or common to list pages; each view's
# filterset adds its own filter names.
QUERY_NAMES = [
    "year",
    "month",
    "page",
    "per_page",
    "township",
    "village",
    "branch",
    "person",
    "status",
    "q",
    "ordering",
    "district",
    "compliant",
    "format",
    "fmt",
    "next",
]
ALLOWED = {200, 201, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 429}

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


# --- the URL conf as templates ---------------------------------------------------------------


def _regex_to_template(regex: str) -> str:
    """``^villages/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$`` → ``villages/{pk}.{format}/``:
    named groups (balanced parentheses) become fields, the rest is taken literally."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end = regex.index(">", i)
            name = regex[i + 4 : end]
            depth, j = 1, end + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0) if regex[j - 1] != "\\" else 0
                j += 1
            out.append("{" + name + "}")
            i = j
            continue
        out.append(regex[i])
        i += 1
    text = "".join(out).lstrip("^").rstrip("$")
    return text.replace("/?", "/").replace("\\.", ".").replace("\\", "")


def _route_to_template(route: str) -> str:
    return PARAM.sub(lambda m: "{" + m.group(1) + "}", route)


def url_templates() -> list[tuple[str, str, object]]:
    """(name, template, callback) for every URL pattern, the admin's included."""
    found = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            raw = str(pattern.pattern)
            part = (
                _route_to_template(raw)
                if pattern.pattern.__class__.__name__ == "RoutePattern"
                else _regex_to_template(raw)
            )
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, inner, prefix + part)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or ""
                if namespace and name:
                    name = f"{namespace}:{name}"
                found.append((name, "/" + prefix + part, pattern.callback))

    walk(get_resolver().url_patterns, None, "")
    return found


def filter_names(callback) -> list[str]:
    """The filter names of the view's filterset (django-filter, pages and API)."""
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    return list(getattr(filterset, "base_filters", {}) or {})


def fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _value(raw: str) -> str:
    return raw if raw.startswith("%") else quote(raw, safe="")


# --- the walk --------------------------------------------------------------------------------


# The values tried one query parameter at a time on list pages (the combined request tries
# them all): a value of each kind that broke something once.
SINGLE = ["0", "99999999999999999999", "abc", "2026-13", "x" * 300]
# The brief's list-page parameters and the page size; each list's filterset adds its names.
LIST_NAMES = ["year", "month", "page", "per_page", "township", "village", "status", "q", "ordering"]


# Pages without a filterset that read query values themselves (grep request.GET): each of
# their names is tried alone as on list pages. Every other page gets the combined requests.
READS_QUERY = {
    "home",
    "notifications",
    "ledgers:index",
    "training:home",
    "training:my-training",
    "training:compliance",
    "training:other-cadres",
    "training:district",
    "subsidies:run-detail",
    "importer:import-detail",
    "cadres:post-add",
    "cadres:appraisal-add",
    "disclosure:index",
    "disclosure:village-year",
}


def _get(client: Client, url: str, failures: list[str], who: str) -> int:
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    if response.status_code not in ALLOWED:
        failures.append(f"{who} GET {url[:160]} -> {response.status_code}")
    return response.status_code


def _walk(client: Client, who: str, objects) -> tuple[list[str], int]:  # noqa: F811
    """The walk for one client; returns the failures and the number of requests made."""
    failures: list[str] = []
    count = 0

    def get(url):
        nonlocal count
        count += 1
        return _get(client, url, failures, who)

    for name, template, callback in url_templates():
        params = re.findall(r"\{(\w+)\}", template)
        row = MATRIX.get(name)
        valid = None
        if row is not None:
            valid = {
                k: str(v) for k, v in ((row.args(objects, "a") if row.args else {}) or {}).items()
            }
            if set(valid) != set(params):
                valid = None
        if who == "anon" and name.startswith("admin:"):
            continue  # the admin's own login page first
        if who == "anon":
            # Anonymous visitors are sent to the login page (or refused by the API) before a
            # view reads a value: only the URLs they can open are walked.
            probe = client.get(
                fill(template, valid)
                if valid is not None
                else fill(template, dict.fromkeys(params, "1"))
            )
            count += 1
            if probe.status_code in (403, 405) or (
                probe.status_code == 302 and "login" in probe.get("Location", "")
            ):
                continue
        # Path values: every parameter hostile at once, then one at a time beside valid ones;
        # the admin's and the API's format suffixes with fewer values (one view each).
        if params:
            values = HOSTILE
            if name.startswith("admin:") or not name or "{format}" in template:
                values = ["99999999999999999999", "x" * 300]
            for hostile in values:
                get(fill(template, dict.fromkeys(params, _value(hostile))))
                if valid and len(params) > 1:
                    for param in params:
                        get(fill(template, {**valid, param: _value(hostile)}))
        if valid is None or "{format}" in template or name.startswith("admin:"):
            continue
        # Query values on every URL that answers a plain GET: all names at once per value;
        # on list pages (a filterset, or a name of the list), each name alone.
        base = fill(template, valid)
        if get(base) != 200:
            continue
        filters = filter_names(callback)
        names = list(dict.fromkeys(QUERY_NAMES + filters))
        for hostile in HOSTILE:
            get(f"{base}?" + "&".join(f"{n}={_value(hostile)}" for n in names))
        if filters or (
            not template.startswith("/api/") and (name.endswith("list") or name in READS_QUERY)
        ):
            for query_name in dict.fromkeys(LIST_NAMES + filters):
                for hostile in SINGLE:
                    get(f"{base}?{query_name}={_value(hostile)}")
    return failures, count


def test_no_hostile_value_is_a_server_error(world, objects):  # noqa: F811
    """Issue 9 item 6: every path parameter of every URL pattern and every query parameter of
    every page answers 400/404 (or the page), never a 500 — as a district admin and anonymous."""
    failures = []
    for who, user in (("anon", None), ("admin", world.admin)):
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        found, count = _walk(client, who, objects)
        print(f"{who}: {count} requests")
        failures += found
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:80])


@pytest.mark.parametrize(
    "url",
    [
        "/public/%00/",
        "/?year=0",
        "/?year=99999999999999999999",
        "/payroll/floor/99999999999999999999/",
        "/villages/99999999999999999999/",
        "/villages/0/",
        "/api/v1/villages/99999999999999999999/",
        "/api/v1/villages/?status=%00",
        "/people/?q=%00",
        "/payroll/months/2026-13/",
        "/payroll/ledgers/0000-00/",
    ],
)
def test_the_probe_urls_are_a_client_error(client, world, url):
    """The probe's URLs, signed in: 400 or 404."""
    client.raise_request_exception = False
    client.force_login(world.admin)
    assert client.get(url).status_code in (400, 404), url
