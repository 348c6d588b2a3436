"""Content-Security-Policy on every page (issue 9 item 6): the header carries the strict
directives, and no page of any role holds what that policy would block — an inline
``<script>``, an ``on*`` handler attribute, a ``style`` attribute or a ``<style>`` block."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.test_permission_matrix import MATRIX, ROLES, objects, users  # noqa: F401

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# <script> elements that hold data, not code: never executed, so the policy has no say.
DATA_SCRIPTS = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


class InlineFinder(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, on* attributes, style
    attributes and <style> elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in DATA_SCRIPTS:
            self.found.append(f"inline <script> ({self.getpos()})")
        if tag == "style":
            self.found.append(f"<style> block ({self.getpos()})")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")


def blocked(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("url", ["/accounts/login/", "/public/", "/"])
def test_pages_carry_the_strict_policy(client, world, url):
    """Issue 9: the header on the login page, the public site and a signed-in page."""
    client.force_login(world.staff_a)
    response = client.get(url)
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_the_swagger_page_relaxes_only_styles(client, world):
    """Swagger UI keeps an inline <style>: its page allows inline styles and nothing else;
    its start-up script comes from a URL (drf-spectacular's split view)."""
    client.force_login(world.admin)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert {k: v for k, v in directives.items() if k != "style-src"} == {
        k: v for k, v in STRICT.items() if k != "style-src"
    }
    assert not [b for b in blocked(response.content.decode()) if "script" in b]
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_no_page_of_any_role_holds_inline_script_or_style(objects, users):  # noqa: F811
    """Every page of the URL conf (not the API, not the admin) as each role, where it
    answers 200 with HTML: nothing the policy blocks is left in it."""
    found = []
    pages = 0
    for name, row in sorted(MATRIX.items()):
        kwargs = row.args(objects, "a") if row.args else {}
        url = reverse(name, kwargs=kwargs)
        if url.startswith("/api/"):
            continue
        for role in ROLES:
            client = Client()
            if users[role] is not None:
                client.force_login(users[role])
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            assert "Content-Security-Policy" in response, url
            found += [f"{role} {url}: {b}" for b in blocked(response.content.decode())]
    assert pages > 100  # the walk did see the pages
    assert not found, "\n".join(found)


def test_the_finder_sees_what_the_policy_blocks():
    html = (
        '<p style="color:red"><button onclick="x()">a</button></p><script>alert(1)</script>'
        '<style>p{}</style><script src="/static/a.js"></script>'
        '<script type="application/json" id="d">{}</script>'
    )
    assert len(blocked(html)) == 4
