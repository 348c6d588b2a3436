"""A line's derivation in words of the user's language (SPEC §3: "staff can always answer
why this amount"). The stored derivation is a plain dict written by the pure rules; this
renders it with the translation catalogue (``subsidies.rules.describe`` is the English
canonical form used in tests and logs)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import rules


def _rate_words(component: str, rate: str) -> str:
    if component == rules.BASIC:
        return {
            rules.ONE_SHOULDER: _("one-shoulder rate"),
            rules.SECRETARY_DAY: _("secretary rate"),
            rules.DIRECTOR_DAY: _("director on the secretary rate"),
            rules.MEMBER_DAY: _("member rate"),
        }[rate]
    return {
        rules.ONE_SHOULDER: _("one-shoulder standard"),
        rules.SECRETARY_DAY: _("secretary standard"),
        rules.DIRECTOR_DAY: _("director on the secretary standard"),
        rules.MEMBER_DAY: _("member standard"),
    }[rate]


def _grade_words(grade: str) -> str:
    return {
        "excellent": _("Excellent"),
        "competent": _("Competent"),
        "basic": _("Basically competent"),
        "incompetent": _("Incompetent"),
    }.get(grade, grade)


def _terms(derivation: dict) -> str:
    month_days = derivation["days_in_month"]
    return " + ".join(
        _("%(rate)s %(standard)s × %(days)s/%(month_days)s days")
        % {
            "rate": _rate_words(derivation["component"], t["rate"]),
            "standard": t["standard"],
            "days": t["days"],
            "month_days": month_days,
        }
        for t in derivation["terms"]
    )


def render(derivation: dict | None) -> str:
    """The derivation of a payment line in words, e.g. "基本补贴 600.00 = 一肩挑标准 600.00 ×
    31/31天（政策 2024-01）"."""
    if not derivation:
        return ""
    if derivation.get("component") == "allowance":
        from .allowance.words import render as allowance_words

        return allowance_words(derivation)
    kind = derivation.get("kind")
    if kind in (rules.ARREARS, rules.ADJUSTMENT):
        words = {"arrears": _("arrears"), "adjustment": _("adjustment")}[kind]
        text = _(
            "%(kind)s of %(component)s for %(month)s: %(amount)s = now due %(due)s − paid %(paid)s"
        ) % {
            "kind": words,
            "component": component_words(derivation["component"]),
            "month": derivation["for"],
            "amount": derivation["amount"],
            "due": derivation["now_due"],
            "paid": derivation["paid"],
        }
        if derivation.get("corrects"):
            text += _(" (corrects line #%(line)s)") % {"line": derivation["corrects"]}
        if derivation.get("due"):
            text += _("; now due: %(due)s") % {"due": render(derivation["due"])}
        return text
    component = derivation.get("component")
    if component in (rules.BASIC, rules.PERFORMANCE):
        terms = _terms(derivation)
        values = {
            "amount": derivation["amount"],
            "terms": terms,
            "policy": derivation["policy"],
            "month": derivation.get("month", ""),
        }
        if component == rules.PERFORMANCE and derivation.get("held"):
            text = _("performance held: no appraisal for %(month)s; standard %(terms)s") % values
        elif component == rules.PERFORMANCE:
            if len(derivation["terms"]) > 1:
                values["terms"] = f"({terms})"
            values["grade"] = _grade_words(derivation["grade"])
            values["factor"] = derivation["factor"]
            text = _("performance %(amount)s = %(terms)s × %(grade)s %(factor)s") % values
        else:
            text = _("basic %(amount)s = %(terms)s") % values
        text += _(" (policy %(policy)s)") % values
        if derivation.get("died_on"):
            text += _("; not paid after death on %(date)s") % {"date": derivation["died_on"]}
        return text
    if component == "award":
        return (
            _(
                "annual award %(year)s: %(amount)s (rank %(rank)s, score %(score)s, policy "
                "%(policy)s)"
            )
            % derivation
        )
    if component == "floor_topup":
        return (
            _(
                "floor top-up %(amount)s = required %(required)s (income %(income)s × "
                "%(ratio)s × %(days)s/%(days_in_year)s days) − earned %(earned)s in "
                "%(year)s"
            )
            % derivation
        )
    return rules.describe(derivation)


def component_words(component: str) -> str:
    from .choices import Component

    try:
        return str(Component(component).label)
    except ValueError:
        return pgettext("payment component", component)
