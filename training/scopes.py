"""Scope rules of the training models (SPEC §1, §5), registered with the one scoping
function. Imported from ``TrainingConfig.ready()``.

- courses: a district course is seen by everyone in the district, a township course by its
  township (and the district); the organiser changes it;
- attendance: staff of the attendee's township and the district; the attendee themself;
- self-logged training: the secretary themself (logs, withdraws), staff of their township
  (verify), the district admin (reads). Finance and reviewers see none of it: the
  evidence is a personal document;
- policy and closed years: read by all in the district, changed by the district admin;
- reminders ("already sent" records): read by staff, written only by the task.
"""

from django.db.models import Q

from portal.choices import Role
from portal.scope import Scope, register

STAFF = frozenset({Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF})


def _own(user, villages) -> Q:
    return Q(person_id=user.person_id)


def _district_of_villages(user, villages) -> Q:
    return Q(district__townships__villages__in=villages)


def _course(user, villages) -> Q:
    return Q(township__villages__in=villages) | Q(
        township__isnull=True, district__townships__villages__in=villages
    )


def register_scopes() -> None:
    register(
        "training.trainingpolicy",
        Scope(
            township="district__townships",
            district="district",
            secretary=_district_of_villages,
            writers=frozenset({Role.DISTRICT_ADMIN}),
        ),
    )
    register(
        "training.trainingyear",
        Scope(
            township="district__townships",
            district="district",
            secretary=_district_of_villages,
            writers=frozenset({Role.DISTRICT_ADMIN}),
        ),
    )
    register(
        "training.course",
        Scope(
            township="township",
            district="district",
            district_wide=Q(township__isnull=True),
            secretary=_course,
            writers=STAFF,
        ),
    )
    register(
        "training.attendance",
        Scope(township="person__village__township", secretary=_own, writers=STAFF),
    )
    register(
        "training.selfloggedtraining",
        Scope(
            township="person__village__township",
            secretary=_own,
            viewers=frozenset({Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF, Role.SECRETARY}),
            writers=frozenset({Role.TOWNSHIP_STAFF, Role.SECRETARY}),
        ),
    )
    register(
        "training.trainingreminder",
        Scope(
            township="person__village__township",
            secretary=_own,
            viewers=STAFF | {Role.SECRETARY},
            writers=frozenset(),
        ),
    )


register_scopes()
