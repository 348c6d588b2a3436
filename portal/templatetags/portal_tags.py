from django import template
from django.utils.http import urlencode

from portal import masking

register = template.Library()

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
