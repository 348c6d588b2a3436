"""Smoke (issue 9 item 9): every demo role logs in through the login form, then every page
reachable from the navigation (three links deep, a few of each kind) and every parameterless
page of the URL conf answers without an exception and without HTTP 500, under the settings
``make demo`` runs with (DEBUG on)."""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from portal.demo import DEMO_PASSWORD

from .conftest import DEMO_ROLES

pytestmark = pytest.mark.django_db

# Not crawled: leaving the session, switching the language (a POST), static files.
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media-not-served/")
SKIP_NAMES = {"logout", "set_language"}
DEPTH = 3  # the navigation's pages, the pages they link to, and theirs
PER_KIND = 2  # URLs visited per view and query-string shape
OK = {200, 302, 400, 403, 404, 405}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(urldefrag(href)[0])


def links(response) -> list[str]:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    parser = Links()
    parser.feed(response.content.decode())
    return parser.hrefs


def kind(url: str):
    """A view and the names of its query parameters: the shape of a URL."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted({p.split("=")[0] for p in parts.query.split("&") if p}))
    return (match.view_name, keys)


def get(client, url: str):
    response = client.get(url)
    if response.streaming:  # downloads: the whole file is produced
        b"".join(response.streaming_content)
    assert response.status_code in OK, f"{url}: HTTP {response.status_code}"
    return response


def parameterless_urls() -> list[str]:
    """Every named URL of the URL conf that reverses without arguments."""
    names = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, inner)
            elif pattern.name and pattern.name not in SKIP_NAMES:
                names.append(namespace + pattern.name)

    walk(get_resolver())
    urls = set()
    for name in names:
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(u for u in urls if not u.startswith(SKIP_PREFIXES))


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_page_as_each_demo_role(client, demo, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} cannot log in"
    seen: set[str] = set()
    kinds: Counter = Counter()
    queue = deque([(reverse("home"), 0)])
    while queue:
        url, depth = queue.popleft()
        shape = kind(url)
        if url in seen or url.startswith(SKIP_PREFIXES) or shape is None:
            continue
        if shape[0] in SKIP_NAMES or kinds[shape] >= PER_KIND:
            continue
        seen.add(url)
        kinds[shape] += 1
        response = get(client, url)
        if depth < DEPTH:
            queue.extend((href, depth + 1) for href in links(response))
    for url in parameterless_urls():
        if url not in seen and not (url.startswith("/admin/") and not demo[username].is_staff):
            get(client, url)
            seen.add(url)
    assert len(seen) > 10, seen
    print(f"{username}: {len(seen)} pages")  # shown with -rP


def test_the_public_site_without_login(client, demo):
    response = get(client, reverse("disclosure:index"))
    for href in links(response)[:20]:
        for inner in [href, *links(get(client, href))[:10]]:
            if inner.startswith("/public/"):
                get(client, inner)
