"""Path and query values bounded before they reach a date or the database (issue 9 item 6):
a bad value is a 404 (path) or a 400 (query), never a 500 (``date(0, 1, 1)``, integers beyond
a 64-bit column, a NUL byte PostgreSQL refuses in a string).

- path converters, registered in ``portal/urls.py``: ``<pk:…>`` (a database id, 1 … 2⁶³−1),
  ``<year:…>`` (1900–2999) and ``<month:…>`` (``YYYY-MM`` of such a year);
- query helpers for views: :func:`query_year`, :func:`query_int`, :func:`query_month`;
- :class:`HostileInputMiddleware`: a NUL byte anywhere in the path or the query string, or an
  over-long path or query string, is a 400 before any view runs.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

__all__ = [
    "MAX_PATH_LENGTH",
    "MAX_PK",
    "MAX_QUERY_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "HostileInputMiddleware",
    "MonthConverter",
    "PkConverter",
    "YearConverter",
    "query_int",
    "query_month",
    "query_page",
    "query_page_size",
    "query_year",
    "valid_filterset",
]

MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_PK = 2**63 - 1  # BigAutoField (DEFAULT_AUTO_FIELD) on PostgreSQL and SQLite
MAX_PATH_LENGTH = 1024
MAX_QUERY_LENGTH = 4096


class PkConverter:
    """``<pk:pk>``: a database id, 1 … 2⁶³−1 without a sign or leading zero; anything else
    does not match (404) — ``<int:…>`` let ``0`` and 20-digit ids through to the ORM."""

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_PK:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        number = int(value)
        if not 1 <= number <= MAX_PK:
            raise ValueError(value)
        return str(number)


class YearConverter:
    """``<year:year>``: four digits, 1900–2999; anything else does not match (404)."""

    regex = "[12][0-9]{3}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """``<month:month>``: ``YYYY-MM`` of a year 1900–2999 (``2026-13`` and ``0000-00`` do
    not match: 404). The view receives the text, as before."""

    regex = "[12][0-9]{3}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> str:
        if not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
            raise ValueError(value)
        return value

    def to_url(self, value) -> str:
        if isinstance(value, date):
            return f"{value:%Y-%m}"
        return str(value)


def _bad(name: str, message: str) -> BadRequest:
    return BadRequest(f"{name}: {message}")


def query_int(
    request,
    name: str,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = MAX_PK,
) -> int | None:
    """An integer from the query string: absent or empty gives ``default``; anything but
    digits from ``minimum`` to ``maximum`` is a 400 (Bad Request)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or not minimum <= int(raw) <= maximum:
        raise _bad(
            name,
            _("A whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum},
        )
    return int(raw)


def query_year(request, name: str = "year", default: int | None = None) -> int | None:
    """A year from the query string: absent or empty gives ``default``; anything but a year
    from 1900 to 2999 is a 400 (Bad Request)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) != 4
        or not MIN_YEAR <= int(raw) <= MAX_YEAR
    ):
        raise BadRequest(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(raw)


def query_month(request, name: str = "month", default: date | None = None) -> date | None:
    """A month (``YYYY-MM``) from the query string as its first day: absent or empty gives
    ``default``; anything else is a 400 (Bad Request)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not re.fullmatch(MonthConverter.regex, raw) or not MIN_YEAR <= int(raw[:4]) <= MAX_YEAR:
        raise _bad(name, _("A month as YYYY-MM."))
    return date(int(raw[:4]), int(raw[5:7]), 1)


class HostileInputMiddleware:
    """A NUL byte in the path or the query string (PostgreSQL refuses it in a string: a 500
    from any lookup), a path over ``MAX_PATH_LENGTH`` or a query string over
    ``MAX_QUERY_LENGTH`` characters: 400 before any view, session or database is touched.
    Form bodies are left to the forms (Django's and DRF's fields refuse NUL themselves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        path = request.path_info
        if (
            "\x00" in path
            or "%00" in query
            or "\x00" in query
            or len(path) > MAX_PATH_LENGTH
            or len(query) > MAX_QUERY_LENGTH
        ):
            return HttpResponseBadRequest(
                _("Bad request: the address holds a forbidden character or is too long."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def query_page(request, name: str = "page") -> int:
    """A page number (1 …): garbage is a 400; a number past the end is the last page
    (``Paginator.get_page``)."""
    return query_int(request, name, default=1, minimum=1)


def query_page_size(request, sizes, default: int, name: str = "per_page") -> int:
    """``?per_page=``: one of ``sizes``, else ``default``; garbage is a 400."""
    size = query_int(request, name, default=default, minimum=1, maximum=10_000)
    return size if size in sizes else default


def valid_filterset(filterset):
    """A bound django-filter filterset whose values do not validate (``?year=0``,
    ``?township=abc``) is a 400 — never a list filtered by half of what was asked, nor a 500."""
    if filterset.is_bound and not filterset.is_valid():
        raise BadRequest(
            "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        )
    return filterset
