"""Path and query values bounded before they reach a date or the database (issue 9): a bad
value is a 404 (path) or a 400 (query), never a 500 (``date(0, 1, 1)`` and integers beyond a
C long raised ValueError/OverflowError)."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

__all__ = ["MAX_YEAR", "MIN_YEAR", "YearConverter", "query_year"]

MIN_YEAR, MAX_YEAR = 1900, 2999


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


def query_year(request, name: str = "year", default: int | None = None) -> int | None:
    """A year from the query string: absent or empty gives ``default``; anything but a year
    from 1900 to 2999 is a 400 (Bad Request)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if "\x00" in raw or not raw.isdigit() or len(raw) != 4 or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise BadRequest(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(raw)
