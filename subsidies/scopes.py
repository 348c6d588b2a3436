"""Scope rules of the remuneration models (see portal.scope)."""

from portal.choices import Role
from portal.scope import Scope, own, register

ADMIN = Role.DISTRICT_ADMIN
STAFF = Role.TOWNSHIP_STAFF
FINANCE = Role.FINANCE
SECRETARY = Role.SECRETARY

register(
    "subsidies.policy",
    Scope(
        township="district__townships",
        district="district",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN}),
    ),
)
register(
    "subsidies.ruralincome",
    Scope(
        township="district__townships",
        district="district",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN}),
    ),
)
register(
    "subsidies.performancestandard",
    Scope(
        township="township",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN, STAFF}),
    ),
)
# Runs change only through their transitions; the services check which role takes which.
register(
    "subsidies.payrollrun",
    Scope(
        township="township",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN, FINANCE, STAFF}),
    ),
)
register(
    "subsidies.runevent",
    Scope(
        township="run__township", viewers=frozenset({ADMIN, FINANCE, STAFF}), writers=frozenset()
    ),
)
# Payment lines are written by the compute service only; a secretary sees their own slips.
register(
    "subsidies.paymentline",
    Scope(
        township="run__township",
        viewers=frozenset({ADMIN, FINANCE, STAFF, SECRETARY}),
        writers=frozenset(),
        secretary=own("person"),
    ),
)
register(
    "subsidies.ledgerexport",
    Scope(
        township="run__township",
        district="district",
        viewers=frozenset({ADMIN, FINANCE}),
        writers=frozenset(),
    ),
)
register(
    "subsidies.awardlist",
    Scope(
        township="township",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN, FINANCE, STAFF}),
    ),
)
register(
    "subsidies.awardentry",
    Scope(
        township="award_list__township",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset({ADMIN, STAFF}),
    ),
)
register(
    "subsidies.awardevent",
    Scope(
        township="award_list__township",
        viewers=frozenset({ADMIN, FINANCE, STAFF}),
        writers=frozenset(),
    ),
)
