from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.http import urlencode

from portal import masking

register = template.Library()

CENT = Decimal("0.01")

register.filter("mask_id", masking.mask_id_number)
register.filter("mask_account", masking.mask_bank_account)
register.filter("mask_name", masking.mask_name)
register.filter("mask_phone", masking.mask_phone)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (keeps filters when paging)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.filter
def percent(part, whole):
    try:
        return min(100, round(100 * float(part) / float(whole)))  # a bar's width, not money
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def bar_width(value) -> str:
    """A bar's width as a class of portal.css (``w-0`` … ``w-100``): the pages' Content-
    Security-Policy allows no ``style`` attribute (issue 9)."""
    try:
        return f"w-{max(0, min(100, round(float(value))))}"
    except (TypeError, ValueError, OverflowError):
        return "w-0"


@register.filter
def money(value) -> str:
    """An amount with thousands separators and two decimals: ``25,208.00`` (issue 10).

    Django's zh-hans number format groups by four with no separator, so the pages do not rely
    on ``USE_THOUSAND_SEPARATOR``. Decimal in, never float: a string or int is read as a
    Decimal, a float by its shortest repr; ``None`` or text that is no number shows as "—".
    Rounds half up to the cent, as ``quantize_money`` does."""
    if value is None or value == "":
        return "—"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    except (InvalidOperation, ValueError):
        return "—"


# A status badge's colour says what the status means (issue 10): done and good is green,
# refused or failed is red, waiting on someone is amber, anything else (a draft, a step on the
# way) is neutral grey. One table for every workflow's statuses: runs (SPEC §3), award lists
# (R-PAY-4), allowance applications and grants (R-ALW-4), training entries, import jobs.
STATUS_CLASSES = {
    "approved": "ok",
    "locked": "ok",
    "disbursed": "ok",
    "recorded": "ok",
    "reported": "ok",
    "paid": "ok",
    "verified": "ok",
    "active": "ok",
    "done": "ok",
    "returned": "bad",
    "rejected": "bad",
    "failed": "bad",
    "suspended": "warn",
    "pending": "neutral",
    "draft": "neutral",
}


@register.filter
def status_class(status) -> str:
    """The badge class (of portal.css ``.flag``) for a status value: ok, bad, warn or neutral."""
    return STATUS_CLASSES.get(str(status), "neutral")
