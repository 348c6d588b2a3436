"""The annual award list (SPEC §3, R-PAY-4): ranking, the choice at a tie, the approvals.

``rules`` (pure: quota, ranking, ties), ``selectors``, ``services`` (the workflow), ``views``
and ``urls`` (pages), ``api`` (REST). The models (``AwardList``, ``AwardEntry``,
``AwardEvent``) are in ``subsidies.models``; ``subsidies.compute._awards`` pays approved lists.
See docs/award.md.
"""

__all__ = ["api", "rules", "selectors", "services", "urls", "views"]
