"""One demo login per role (issue 2), made or brought back in line by ``manage.py demo_users``.

Idempotent: running it again updates the same six users (role, place, password) and makes
no new ones. Needs the demo registry of ``manage.py seed_demo``.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReviewerKind, Role
from .models import User

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    password: str


def _demo_places(today: date):
    from branches.models import District
    from cadres.choices import PostRole
    from cadres.demo import DISTRICT_CODE
    from cadres.models import Post
    from cadres.selectors import one_shoulder_person_ids, posts_on

    district = District.objects.filter(code=DISTRICT_CODE).first()
    township = district.townships.order_by("code").first() if district else None
    if township is None or not township.villages.exists():
        raise ValidationError(
            _("There is no demo data: run “python manage.py seed_demo” first (or “make demo”).")
        )
    serving = list(
        Post.objects.filter(posts_on(today), role=PostRole.SECRETARY, village__township=township)
        .filter(person__died_on__isnull=True)
        .select_related("person", "village")
        .order_by("village__code")
    )
    if not serving:
        raise ValidationError(
            _("No village of %(township)s has a serving secretary.") % {"township": township.name}
        )
    # the first village's secretary; a one-shoulder secretary-director if there is one
    one_shoulder = set(one_shoulder_person_ids(day=today).values_list("person_id", flat=True))
    post = next((p for p in serving if p.person_id in one_shoulder), serving[0])
    return district, township, post


@transaction.atomic
def demo_users_ensure(*, password: str = DEMO_PASSWORD, today: date | None = None):
    """Create or update the logins admin, town, secretary, reviewer, reviewer2 and finance."""
    today = today or timezone.localdate()
    district, township, post = _demo_places(today)
    person = post.person
    holder = User.objects.filter(person=person).exclude(username="secretary").first()
    if holder is not None:
        raise ValidationError(
            _("%(person)s is already linked to the user %(user)s.")
            % {"person": person.name, "user": holder.username}
        )
    specs = [
        (
            "admin",
            Role.DISTRICT_ADMIN,
            "区委组织部（演示）",
            district.name,
            {"district": district, "is_staff": True},
        ),
        (
            "town",
            Role.TOWNSHIP_STAFF,
            f"{township.name}组织办（演示）",
            township.name,
            {"township": township},
        ),
        (
            "secretary",
            Role.SECRETARY,
            person.name,
            f"{post.village.name} {person.name}",
            {"person": person},
        ),
        (
            "reviewer",
            Role.REVIEWER,
            f"{township.name}纪委（演示）",
            f"{township.name} · {ReviewerKind.DISCIPLINE.label}",
            {"township": township, "reviewer_kind": ReviewerKind.DISCIPLINE},
        ),
        (
            "reviewer2",
            Role.REVIEWER,
            f"{township.name}综治办（演示）",
            f"{township.name} · {ReviewerKind.COMPREHENSIVE.label}",
            {"township": township, "reviewer_kind": ReviewerKind.COMPREHENSIVE},
        ),
        ("finance", Role.FINANCE, "区财政局（演示）", district.name, {"district": district}),
    ]
    logins = []
    for username, role, display, scope, place in specs:
        user = User.objects.filter(username=username).first() or User(username=username)
        fields = {
            "role": role,
            "first_name": display,
            "district": None,
            "township": None,
            "person": None,
            "reviewer_kind": "",
            "is_staff": False,
            "is_superuser": False,
            "is_active": True,
            **place,
        }
        for key, value in fields.items():
            setattr(user, key, value)
        # Exempt from AUTH_PASSWORD_VALIDATORS on purpose: the demo logins share one known,
        # printed password (demo12345) and exist only on demo machines. Every other way of
        # setting a password (the admin's add and change forms, changepassword) validates.
        user.set_password(password)
        user.full_clean()
        user.save()
        logins.append(DemoLogin(username, str(role.label), scope, password))
    return logins
