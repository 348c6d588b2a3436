"""The post-retirement living allowance of former branch secretaries (SPEC §4, R-ALW-1..4).

- ``rules``: pure (service months, eligibility, tier, first payable month, what a run owes);
- ``models`` (imported by ``subsidies.models``), ``choices``, ``scopes``;
- ``selectors`` (reads, queues, the ledger), ``services`` (the workflow's writes),
  ``payroll`` (the lines each payroll run adds), ``words`` (derivations and refusals in the
  user's language);
- ``forms``, ``filtersets``, ``views``, ``urls`` (pages), ``api`` (REST).

See docs/allowance.md.
"""

__all__ = [
    "api",
    "choices",
    "filtersets",
    "forms",
    "models",
    "payroll",
    "rules",
    "scopes",
    "selectors",
    "services",
    "urls",
    "views",
    "words",
]
