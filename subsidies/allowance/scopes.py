"""Scope rules of the living allowance's models (see portal.scope), imported from
``SubsidiesConfig.ready()``.

- township staff: the applications and grants of their township;
- a secretary: the applications and grants of the village they serve (they declare and do
  the village review for it);
- a reviewer: the applications of their township *sent to them* — from the start of the
  township review on — with their tenures, referees, scans, opinions and timeline;
- district admin and finance: the whole district (they acknowledge the report).

Every step changes an application through a service that checks the role taking it; the
CHANGE scope only bounds the rows.
"""

from django.db.models import Q

from portal.choices import Role
from portal.scope import Scope, in_villages, register

from .choices import SENT_TO_REVIEWERS

ADMIN = Role.DISTRICT_ADMIN
STAFF = Role.TOWNSHIP_STAFF
FINANCE = Role.FINANCE
SECRETARY = Role.SECRETARY
REVIEWER = Role.REVIEWER
EVERYONE = frozenset({ADMIN, STAFF, FINANCE, SECRETARY, REVIEWER})


def _sent(prefix: str = ""):
    return lambda user: Q(**{f"{prefix}status__in": SENT_TO_REVIEWERS})


register(
    "subsidies.allowanceapplication",
    Scope(
        township="village__township",
        secretary=in_villages("village"),
        viewers=EVERYONE,
        writers=EVERYONE,
        reviewer=_sent(),
    ),
)
for label in (
    "subsidies.declaredtenure",
    "subsidies.referee",
    "subsidies.applicationscan",
    "subsidies.applicationevent",
    "subsidies.reviewopinion",
    "subsidies.reportacknowledgement",
):
    register(
        label,
        Scope(
            township="application__village__township",
            secretary=in_villages("application__village"),
            viewers=EVERYONE,
            writers=frozenset(),
            reviewer=_sent("application__"),
        ),
    )
register(
    "subsidies.allowancegrant",
    Scope(
        township="person__village__township",
        secretary=in_villages("person__village"),
        viewers=frozenset({ADMIN, STAFF, FINANCE, SECRETARY}),
        writers=frozenset({ADMIN, STAFF}),
    ),
)
