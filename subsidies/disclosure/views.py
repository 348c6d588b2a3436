"""The public disclosure pages: no login, no session, no cookies; cached.

The HTML is rendered without the request (no context processors, so neither the session nor
a CSRF token is touched) and kept in the cache under a key that carries the language and
:func:`~subsidies.disclosure.selectors.ledger_stamp`: a newly locked ledger changes the key,
so it shows at once. Browsers and proxies may keep a page for PUBLIC_PAGE_MAX_AGE seconds.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import selectors

ROLE_WORDS = {
    "one_shoulder": _("Secretary and director (one shoulder)"),
    "secretary": _("Branch secretary"),
    "director": _("Village committee director"),
    "member": _("Two-committee member"),
}
CACHE_SECONDS = 60 * 60 * 24  # the key changes with every lock; this only bounds the memory


def _max_age() -> int:
    return settings.PUBLIC_PAGE_MAX_AGE


def _page(key_parts: tuple, stamp: str, build) -> HttpResponse:
    key = "disclosure:v1:" + ":".join(str(p) for p in (*key_parts, get_language(), stamp))
    html = cache.get(key)
    if html is None:
        found = build()
        if found is None:
            raise Http404
        template, context = found
        html = render_to_string(template, context)
        cache.set(key, html, CACHE_SECONDS)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=_max_age())
    # the language comes from Accept-Language or the language cookie
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@require_safe
def index(request):
    """Every district and its townships with locked ledgers."""
    return _page(
        ("index",),
        selectors.ledger_stamp(),
        lambda: ("subsidies/disclosure/index.html", {"districts": selectors.district_index()}),
    )


@require_safe
def township(request, township: str):
    """A township's villages and the years they have in locked ledgers."""

    def build():
        page = selectors.township_villages(township)
        if page is None:
            return None
        context = {"page": page, "head": selectors.district_head(township)}
        return "subsidies/disclosure/township.html", context

    # The stamp of every township: the chain head shown is the district's, which moves with
    # a lock in any township.
    return _page(("township", township), selectors.ledger_stamp(), build)


@require_safe
def village_year(request, township: str, village: str, year: int):
    """One village's year: remuneration per cadre, awards, living-allowance recipients."""
    if not 1900 <= year <= 2999:
        raise Http404

    def build():
        page = selectors.village_year(township, village, year)
        if page is None:
            return None
        cadres = [(row, ROLE_WORDS.get(row.role, "")) for row in page.cadres]
        context = {"page": page, "cadres": cadres, "head": selectors.district_head(township)}
        return "subsidies/disclosure/village_year.html", context

    return _page(("village", township, village, year), selectors.ledger_stamp(), build)
