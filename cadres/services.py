"""Writes to people, posts, appraisals, assessments and health checks (SPEC §2).

Every service is keyword-only, validates with ``full_clean()`` (the named database constraints
included) and writes inside ``transaction.atomic``; ``user`` is the acting user (``None`` for
commands run by an operator), checked against the one scoping function.
"""

import contextlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Village
from portal.services import ensure_may_change, ensure_parent_in_scope, validated_save

from .choices import EndReason
from .models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from .validators import birth_date_from_id, gender_from_id, normalise_id_number

PERSON_FIELDS = (
    "village",
    "name",
    "id_number",
    "gender",
    "birth_date",
    "education",
    "phone",
    "email",
    "bank_name",
    "bank_account",
    "died_on",
)


@transaction.atomic
def person_record(*, user, person: Person | None = None, **fields) -> Person:
    """Create or change a person. Gender and birth date default to what the ID number says."""
    person = person or Person()
    ensure_may_change(user, person)
    for key, value in fields.items():
        if key not in PERSON_FIELDS:
            raise TypeError(key)
        setattr(person, key, value)
    person.id_number = normalise_id_number(person.id_number)
    with contextlib.suppress(Exception):  # full_clean reports a bad ID number itself
        if not person.birth_date:
            person.birth_date = birth_date_from_id(person.id_number)
        if not person.gender:
            person.gender = gender_from_id(person.id_number)
    if person.village_id:
        ensure_parent_in_scope(user, Village.objects.get(pk=person.village_id))
    return validated_save(person)


@transaction.atomic
def post_record(*, user, post: Post | None = None, **fields) -> Post:
    """Create or change a tenure; the one-holder-per-day and end ≥ start rules apply."""
    post = post or Post()
    ensure_may_change(user, post)
    for key, value in fields.items():
        setattr(post, key, value)
    if post.village_id:
        ensure_parent_in_scope(user, Village.objects.get(pk=post.village_id))
    return validated_save(post)


@transaction.atomic
def post_end(*, user, post: Post, end_date: date, end_reason: str) -> Post:
    if post.end_date is not None:
        raise ValidationError(_("This post has already ended."))
    if end_reason not in EndReason.values:
        raise ValidationError(_("Choose an end reason."))
    return post_record(user=user, post=post, end_date=end_date, end_reason=end_reason)


@transaction.atomic
def appraisal_record(
    *, user, person: Person, period_start: date, period_end: date, grade: str
) -> PerformanceAppraisal:
    ensure_may_change(user, person)
    appraisal = PerformanceAppraisal.objects.filter(
        person=person, period_start=period_start
    ).first() or PerformanceAppraisal(person=person, period_start=period_start)
    appraisal.period_end = period_end
    appraisal.grade = grade
    return validated_save(appraisal)


@transaction.atomic
def assessment_record(
    *, user, person: Person, year: int, score: Decimal, grade: str
) -> AnnualAssessment:
    ensure_may_change(user, person)
    assessment = AnnualAssessment.objects.filter(
        person=person, year=year
    ).first() or AnnualAssessment(person=person, year=year)
    assessment.score = score
    assessment.grade = grade
    return validated_save(assessment)


@transaction.atomic
def health_check_record(*, user, person: Person, checked_on: date, note: str = "") -> HealthCheck:
    ensure_may_change(user, person)
    return validated_save(HealthCheck(person=person, checked_on=checked_on, note=note))
