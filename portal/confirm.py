"""Irreversible steps ask first (issue 10): the one confirmation step of the portal's pages.

An action view calls :func:`confirm_or_render` before it calls a service. A POST that does
not carry ``confirm=yes`` changes nothing: it gets the confirmation page (HTTP 200) saying
what will happen and to what, with the posted fields carried as hidden inputs plus
``confirm=yes`` and a cancel link back. The API is not covered: API clients send explicit
calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TEMPLATE = "portal/confirm.html"
SKIPPED = {"csrfmiddlewaretoken", "confirm"}

# The steps that ask first, per workflow (lock and disburse write the hash chain; recompute
# replaces the lines; approve, reject, return and cancel are decisions others act on).
CONFIRM_STEPS: dict[str, frozenset[str]] = {
    "payroll": frozenset({"recompute", "approve", "reopen", "lock", "disburse", "compute-month"}),
    "award": frozenset({"approve", "return", "record"}),
    "allowance": frozenset({"approve", "reject"}),
}
# Of those, the ones that undo or refuse work: their button looks destructive, not primary.
DESTRUCTIVE = frozenset({"recompute", "reopen", "return", "reject", "cancel", "compute-month"})


@dataclass(frozen=True)
class Summary:
    """What will happen (``title``, ``consequence``) and to what (``facts``: label, value)."""

    title: str
    consequence: str
    button: str
    facts: list[tuple[str, object]] = field(default_factory=list)


def needs_confirmation(workflow: str, step: str) -> bool:
    return step in CONFIRM_STEPS[workflow]


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


def confirm_or_render(
    request: HttpRequest, workflow: str, step: str, summary, *, cancel_url: str
) -> HttpResponse | None:
    """``None`` when the step may go ahead (it does not ask, or the POST is confirmed); else
    the confirmation page. ``summary`` is a callable returning a :class:`Summary` (only
    built when the page is shown)."""
    if not needs_confirmation(workflow, step) or confirmed(request):
        return None
    hidden = [
        (name, value)
        for name in request.POST
        if name not in SKIPPED
        for value in request.POST.getlist(name)
    ]
    context = {
        "summary": summary(),
        "hidden": hidden,
        "action_url": request.get_full_path(),
        "cancel_url": cancel_url,
        "destructive": step in DESTRUCTIVE,
        "step": step,
    }
    return render(request, TEMPLATE, context)
