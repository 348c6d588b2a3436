"""Factories for the registry, users, payroll, awards, the living allowance and training
(factory-boy)."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from branches.choices import BranchKind, MemberStage
from branches.models import Branch, District, PartyMember, Township, Village
from cadres.choices import Gender, Grade, PostRole
from cadres.models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from cadres.validators import make_id_number
from portal.choices import ReviewerKind, Role
from portal.models import User
from subsidies.allowance.models import AllowanceApplication
from subsidies.models import AwardList, PayrollRun, PerformanceStandard, Policy


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"区{n}")


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}镇")


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"V{n:06d}")
    name = factory.Sequence(lambda n: f"{n}村")


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"B{n:06d}")
    name = factory.Sequence(lambda n: f"{n}村党支部")
    kind = BranchKind.VILLAGE


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"张{n}明")
    birth_date = date(1975, 6, 15)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number("110101", o.birth_date, n)
    )
    gender = factory.LazyAttribute(
        lambda o: Gender.MALE if int(o.id_number[16]) % 2 else Gender.FEMALE
    )
    bank_name = "农村信用社"
    bank_account = factory.Sequence(lambda n: f"62210000{n:08d}")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    person = factory.SubFactory(PersonFactory)
    village = factory.SelfAttribute("person.village")
    role = PostRole.SECRETARY
    start_date = date(2020, 1, 1)
    end_date = None
    end_reason = ""


class PartyMemberFactory(DjangoModelFactory):
    class Meta:
        model = PartyMember

    person = factory.SubFactory(PersonFactory)
    branch = factory.SubFactory(
        BranchFactory, township=factory.SelfAttribute("..person.village.township")
    )
    stage = MemberStage.FULL


class AppraisalFactory(DjangoModelFactory):
    class Meta:
        model = PerformanceAppraisal

    person = factory.SubFactory(PersonFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 1, 31)
    grade = Grade.COMPETENT


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = AnnualAssessment

    person = factory.SubFactory(PersonFactory)
    year = 2025
    score = "85.00"
    grade = Grade.COMPETENT


class HealthCheckFactory(DjangoModelFactory):
    class Meta:
        model = HealthCheck

    person = factory.SubFactory(PersonFactory)
    checked_on = date(2025, 1, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def district_admin(district, **kw):
    return UserFactory(role=Role.DISTRICT_ADMIN, district=district, is_staff=True, **kw)


def finance_user(district, **kw):
    return UserFactory(role=Role.FINANCE, district=district, **kw)


def township_staff(township, **kw):
    return UserFactory(role=Role.TOWNSHIP_STAFF, township=township, **kw)


def reviewer(township, kind=ReviewerKind.DISCIPLINE, **kw):
    return UserFactory(role=Role.REVIEWER, township=township, reviewer_kind=kind, **kw)


def secretary_user(person, **kw):
    return UserFactory(role=Role.SECRETARY, person=person, **kw)


# --- payroll, awards and the living allowance (SPEC §3, §4) --------------------------------


class PolicyFactory(DjangoModelFactory):
    """A district policy with the model's default amounts (R-PAY-1, R-PAY-2, R-ALW-2)."""

    class Meta:
        model = Policy

    district = factory.SubFactory(DistrictFactory)
    valid_from = date(2020, 1, 1)


class PerformanceStandardFactory(DjangoModelFactory):
    """A township's monthly performance standard S (R-PAY-2)."""

    class Meta:
        model = PerformanceStandard

    township = factory.SubFactory(TownshipFactory)
    valid_from = date(2020, 1, 1)
    amount = Decimal("500.00")


class PayrollRunFactory(DjangoModelFactory):
    """A township's run for a month, a draft unless ``status=`` says otherwise (no lines: the
    services compute those)."""

    class Meta:
        model = PayrollRun

    township = factory.SubFactory(TownshipFactory)
    month = date(2026, 11, 1)


class AwardListFactory(DjangoModelFactory):
    """A township's annual award list (R-PAY-4), a draft with no entries."""

    class Meta:
        model = AwardList

    township = factory.SubFactory(TownshipFactory)
    year = 2025


class AllowanceApplicationFactory(DjangoModelFactory):
    """A declared living allowance application (R-ALW-4) for a person of its village, without
    tenures, referees or scans: ``tests.fixtures.Allowance.declare`` files a whole one through
    the service."""

    class Meta:
        model = AllowanceApplication

    person = factory.SubFactory(PersonFactory)
    village = factory.SelfAttribute("person.village")
    declared_on = date(2009, 6, 1)


def policy(district, valid_from=date(2020, 1, 1), **kw):
    return PolicyFactory(district=district, valid_from=valid_from, **kw)


def standard(township, amount="500.00", valid_from=date(2020, 1, 1)):
    return PerformanceStandardFactory(township=township, valid_from=valid_from, amount=amount)


# --- training ----------------------------------------------------------------------------


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = "training.Course"

    township = factory.SubFactory(TownshipFactory)
    district = factory.SelfAttribute("township.district")
    level = factory.LazyAttribute(lambda o: "township" if o.township else "district")
    title = factory.Sequence(lambda n: f"培训班{n}")
    kind = "centralised"
    start_date = date(2025, 5, 6)
    end_date = date(2025, 5, 8)
    hours = Decimal("24")
    budget = Decimal("3000")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "training.Attendance"

    course = factory.SubFactory(CourseFactory)
    person = factory.SubFactory(PersonFactory)
    hours = factory.SelfAttribute("course.hours")
    verified = True


class SelfLoggedTrainingFactory(DjangoModelFactory):
    """An entry written straight to the database (tests of reads; writes use the service)."""

    class Meta:
        model = "training.SelfLoggedTraining"

    person = factory.SubFactory(PersonFactory)
    date = date(2025, 6, 2)
    provider = factory.Sequence(lambda n: f"党校{n}")
    kind = "centralised"
    hours = Decimal("8")
    evidence = factory.django.FileField(filename="e.png", data=b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    evidence_type = "image/png"
    status = "pending"
    reviewed_at = factory.LazyAttribute(lambda o: None if o.status == "pending" else timezone.now())
    reject_reason = factory.LazyAttribute(lambda o: "证明不清" if o.status == "rejected" else "")
