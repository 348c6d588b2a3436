"""The living allowance in words of the user's language: why an application is not eligible,
and the derivation of an allowance payment line (``subsidies.derivations.render`` calls
:func:`render`; ``rules.describe`` is the English canonical form)."""

from django.utils.translation import gettext as _

from cadres.choices import EndReason
from subsidies.rules import ADJUSTMENT, ARREARS

from . import rules


def refusal(result: rules.Eligibility) -> str:
    """Why the rules refuse an application (R-ALW-1, R-ALW-2), in one sentence."""
    detail = result.detail
    if result.refusal == rules.NO_TENURE:
        return _("No secretary tenure is declared.")
    if result.refusal == rules.DECEASED:
        return _("The former secretary died on %(date)s.") % {"date": detail["died_on"]}
    if result.refusal == rules.STILL_SERVING:
        return _("A declared secretary tenure has not ended.")
    if result.refusal == rules.END_REASON:
        reason = detail.get("end_reason") or ""
        label = EndReason(reason).label if reason in EndReason.values else reason
        return _(
            "The last secretary tenure ended for a reason that does not qualify (%(reason)s): "
            "only term ended, retired or health qualify."
        ) % {"reason": label}
    if result.refusal == rules.AFTER_CUTOFF:
        return _("The last secretary tenure ended on %(end)s, after the cutoff %(cutoff)s.") % {
            "end": detail["end"],
            "cutoff": detail["cutoff"],
        }
    if result.refusal == rules.TOO_FEW_MONTHS:
        return _("%(months)s months of service: at least %(minimum)s are needed.") % {
            "months": result.months,
            "minimum": detail["minimum"],
        }
    return ""


def render(derivation: dict) -> str:
    """An allowance line's derivation, e.g. "生活补贴 200.00（2026-03）= 第2档 每月 200.00…"."""
    kind = derivation.get("kind")
    values = {
        "amount": derivation["amount"],
        "monthly": derivation["monthly"],
        "tier": derivation["tier"],
        "service": derivation["service_months"],
        "grant": derivation["grant"],
    }
    if kind in (ARREARS, ADJUSTMENT):
        values["months"] = ", ".join(
            a if a == b else f"{a}–{b}" for a, b in derivation.get("spans", ())
        )
        values["count"] = derivation["months"]
        if kind == ARREARS:
            text = (
                _(
                    "arrears of living allowance for %(months)s: %(amount)s = %(count)s months × "
                    "%(monthly)s (grant #%(grant)s)"
                )
                % values
            )
        else:
            text = (
                _(
                    "living allowance reclaimed for %(months)s: %(amount)s = −%(count)s months × "
                    "%(monthly)s (grant #%(grant)s)"
                )
                % values
            )
    else:
        values["month"] = derivation.get("month", "")
        text = (
            _(
                "living allowance %(amount)s for %(month)s = tier %(tier)s monthly %(monthly)s "
                "(%(service)s months of service, grant #%(grant)s)"
            )
            % values
        )
    if derivation.get("died_on"):
        text += _("; not paid after the month of death (%(date)s)") % {
            "date": derivation["died_on"]
        }
    return text
