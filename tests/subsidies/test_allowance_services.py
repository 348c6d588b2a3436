"""The living allowance workflow through its services (R-ALW-1..4): the declaration, every
transition allowed and refused by role, the rules at approval, the district's acknowledgements
and the scope of each role. Runs on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.models import Person
from portal.scope import scope_queryset
from subsidies.allowance import selectors, services
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import (
    AllowanceApplication,
    AllowanceGrant,
    ApplicationEvent,
    ApplicationScan,
    DeclaredTenure,
)
from tests import factories as f
from tests.fixtures import PNG, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def fresh(application):
    return AllowanceApplication.objects.get(pk=application.pk)


# --- declaration ------------------------------------------------------------------------------


def test_township_staff_declare_for_a_former_secretary(world, allowance):
    application = allowance.declare(
        scans=[scan("a.pdf"), scan("photo.png", PNG)],
        referees=[
            {"name": "赵证明", "relation": "老同事", "phone": "13900000000"},
            {"name": "钱证明", "relation": "邻居", "phone": "13900000001"},
        ],
    )
    assert application.status == S.DECLARED
    person = application.person
    assert person.village == world.village_a and person.birth_date == date(1940, 3, 2)
    assert application.tenures.count() == 1 and application.referees.count() == 2
    scans = list(application.scans.order_by("pk"))
    assert [s.content_type for s in scans] == ["application/pdf", "image/png"]
    assert all(s.file.name.startswith("allowance/") for s in scans)
    assert scans[0].original_name == "a.pdf"
    (event,) = application.events.all()
    assert (event.from_status, event.to_status, event.user) == ("", S.DECLARED, allowance.declarant)


def test_a_secretary_declares_for_their_own_village_only(world, allowance):
    former = f.PersonFactory(village=world.village_a)
    application = allowance.declare(world.secretary, name=former.name, id_number=former.id_number)
    assert application.village == world.village_a
    with pytest.raises(PermissionDenied):
        allowance.declare(world.secretary, village=world.village_b)
    with pytest.raises(PermissionDenied):
        allowance.declare(world.staff_b)  # village A is not in township B


@pytest.mark.parametrize("role", ["admin", "finance", "reviewer_a"])
def test_other_roles_may_not_declare(world, allowance, role):
    with pytest.raises(PermissionDenied):
        allowance.declare(getattr(world, role))


def test_declaration_links_an_existing_person_by_id_number(world, allowance):
    """The declaration keeps the phone and account it was filed with; the registry is not
    written (issue 9 item 1), and a refusal names neither a registry name nor a township."""
    person = f.PersonFactory(village=world.village_a, name="孙老", phone="")
    application = allowance.declare(name="孙老", id_number=person.id_number, phone="13700000000")
    assert application.person == person
    assert application.payee_phone == "13700000000"
    person.refresh_from_db()
    assert person.phone == ""
    with pytest.raises(ValidationError) as caught:
        allowance.declare(name="孙大", id_number=person.id_number)
    assert caught.value.message_dict == {"id_number": ["This person cannot be declared here."]}
    other = f.PersonFactory(village=world.village_b)
    with pytest.raises(ValidationError) as caught:
        allowance.declare(name=other.name, id_number=other.id_number)
    assert caught.value.message_dict == {"id_number": ["This person cannot be declared here."]}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"referees": []}, "referees", "at least one referee"),
        ({"referees": [{"name": "赵", "relation": "", "phone": ""}]}, "referees", "a relation"),
        ({"scans": []}, "scans", "Attach the scanned documents"),
        ({"scans": [scan("x.pdf", b"GIF89a" + b"0" * 20)]}, "scans", "judged by its content"),
        ({"tenures": []}, "tenures", "at least one secretary tenure"),
        (
            {
                "tenures": [
                    {
                        "start_month": date(2000, 1, 1),
                        "end_month": date(1999, 1, 1),
                        "end_reason": "retired",
                    }
                ]
            },
            "tenures",
            "ends before it starts",
        ),
        (
            {"tenures": [{"start_month": date(1990, 1, 1), "end_month": date(2000, 1, 1)}]},
            "tenures",
            "why it ended",
        ),
        ({"declared_on": date(2099, 1, 1)}, "declared_on", "future"),
    ],
)
def test_a_bad_declaration_saves_nothing(world, allowance, overrides, field, message):
    people = Person.objects.count()
    with pytest.raises(ValidationError) as caught:
        allowance.declare(**overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert Person.objects.count() == people
    assert not AllowanceApplication.objects.exists() and not ApplicationScan.objects.exists()


def test_scans_are_size_limited(world, allowance, settings):
    settings.ALLOWANCE_SCAN_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="larger than"):
        allowance.declare()


def test_one_application_per_person_until_rejected(world, allowance):
    first = allowance.declare()
    person = first.person
    again = {"name": person.name, "id_number": person.id_number}
    with pytest.raises(ValidationError, match="already has an allowance application"):
        allowance.declare(**again)
    allowance.advance(first, S.REJECTED)
    assert allowance.declare(**again).person == person


def test_tenures_shown_beside_the_registry(world, allowance):
    person = f.PersonFactory(village=world.village_a, name="周老")
    f.PostFactory(
        person=person,
        village=world.village_a,
        start_date=date(1985, 3, 10),
        end_date=date(2005, 12, 20),
        end_reason="retired",
    )
    application = allowance.declare(
        name="周老",
        id_number=person.id_number,
        tenures=[
            {
                "start_month": date(1985, 3, 1),
                "end_month": date(2005, 12, 1),
                "end_reason": "retired",
            },
            {
                "start_month": date(1975, 1, 1),
                "end_month": date(1980, 12, 1),
                "end_reason": "term_ended",
            },
        ],
    )
    rows = selectors.tenure_comparison(application)
    by_start = {row.declared.start_month: row for row in rows if row.declared}
    assert by_start[date(1985, 3, 1)].matches
    assert by_start[date(1975, 1, 1)].post is None


# --- the transitions by role ------------------------------------------------------------------

# (action, status it starts from, the users who may take it)
STEPS = [
    ("village_review", S.DECLARED, {"staff_a", "secretary"}),
    ("start_review", S.VILLAGE_REVIEWED, {"staff_a"}),
    ("opinion", S.TOWNSHIP_REVIEW, {"reviewer_a"}),
    ("approve", "opinions", {"staff_a"}),
    ("suspend", S.TOWNSHIP_REVIEW, {"staff_a"}),
    ("resume", S.SUSPENDED, {"staff_a"}),
    ("reject", S.TOWNSHIP_REVIEW, {"staff_a"}),
    ("reject_suspended", S.SUSPENDED, {"staff_a"}),
    ("ack_organisation", S.APPROVED, {"admin"}),
    ("ack_finance", S.APPROVED, {"finance"}),
    ("ack_labour", S.APPROVED, {"admin"}),
]
USERS = ["admin", "finance", "staff_a", "staff_b", "reviewer_a", "secretary"]


def take(action, user, application, allowance):
    if action == "village_review":
        return services.application_village_review(user=user, application=application)
    if action == "start_review":
        return services.application_start_review(
            user=user, application=application, investigator=allowance.investigator
        )
    if action == "opinion":
        return services.opinion_record(user=user, application=application, text="同意")
    if action == "approve":
        return services.application_approve(user=user, application=application)
    if action == "suspend":
        return services.application_suspend(user=user, application=application, reason="补材料")
    if action == "resume":
        return services.application_resume(user=user, application=application)
    if action in ("reject", "reject_suspended"):
        return services.application_reject(user=user, application=application, reason="不符合")
    body = action.removeprefix("ack_")
    return services.report_acknowledge(
        user=user, application=application, body=body, comment="张科长确认"
    )


EXPECTED = {
    "village_review": S.VILLAGE_REVIEWED,
    "start_review": S.TOWNSHIP_REVIEW,
    "opinion": S.TOWNSHIP_REVIEW,
    "approve": S.APPROVED,
    "suspend": S.SUSPENDED,
    "resume": S.TOWNSHIP_REVIEW,
    "reject": S.REJECTED,
    "reject_suspended": S.REJECTED,
    "ack_organisation": S.APPROVED,
    "ack_finance": S.APPROVED,
    "ack_labour": S.APPROVED,
}


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize(("action", "start", "allowed"), STEPS, ids=[s[0] for s in STEPS])
def test_each_transition_by_each_role(world, allowance, action, start, allowed, user_name):
    application = allowance.advance(allowance.declare(), start)
    before = application.status
    events = ApplicationEvent.objects.count()
    user = getattr(world, user_name)
    if user_name in allowed:
        take(action, user, application, allowance)
        assert fresh(application).status == EXPECTED[action]
        if EXPECTED[action] != before:
            event = ApplicationEvent.objects.latest("pk")
            assert (event.from_status, event.to_status, event.user) == (
                before,
                EXPECTED[action],
                user,
            )
            assert event.at is not None
    else:
        with pytest.raises(PermissionDenied):
            take(action, user, application, allowance)
        assert fresh(application).status == before
        assert ApplicationEvent.objects.count() == events


def test_a_secretary_of_another_village_may_not_review(world, allowance):
    village = f.VillageFactory(township=world.town_a)
    other = f.PersonFactory(village=village)
    f.PostFactory(person=other, village=village, start_date=date(2020, 1, 1))
    user = f.secretary_user(other, username="secretary_other")
    application = allowance.declare()
    with pytest.raises(PermissionDenied):
        services.application_village_review(user=user, application=application)


ILLEGAL = [
    ("approve", S.DECLARED, "its next step is the village preliminary review"),
    ("approve", S.VILLAGE_REVIEWED, "assign an investigator"),
    ("start_review", S.DECLARED, "village preliminary review"),
    ("village_review", S.TOWNSHIP_REVIEW, "cannot be passed by the village review"),
    ("resume", S.TOWNSHIP_REVIEW, "cannot be resumed"),
    ("suspend", S.SUSPENDED, "cannot be suspended"),
    ("approve", S.SUSPENDED, "resuming the township review"),
    ("approve", S.REJECTED, "it is closed"),
    ("reject", S.APPROVED, "acknowledgements of the district bodies"),
    ("approve", S.APPROVED, "cannot be approved"),
]


@pytest.mark.parametrize(("action", "start", "message"), ILLEGAL)
def test_illegal_transitions_are_refused_with_a_clear_message(
    world, allowance, action, start, message
):
    application = allowance.advance(allowance.declare(), start)
    with pytest.raises(ValidationError, match=message):
        take(
            action,
            world.staff_a if action != "village_review" else world.secretary,
            application,
            allowance,
        )
    assert fresh(application).status == start


def test_approval_needs_both_opinions(world, allowance):
    application = allowance.advance(allowance.declare(), S.TOWNSHIP_REVIEW)
    with pytest.raises(ValidationError, match="missing: Discipline inspection、Comprehensive"):
        services.application_approve(user=world.staff_a, application=application)
    services.opinion_record(user=allowance.discipline, application=application, text="无违纪")
    with pytest.raises(ValidationError, match="missing: Comprehensive management"):
        services.application_approve(user=world.staff_a, application=application)
    with pytest.raises(ValidationError, match="already recorded"):
        services.opinion_record(user=allowance.discipline, application=application, text="再一次")
    services.opinion_record(user=allowance.comprehensive, application=application, text="同意")
    grant = services.application_approve(user=world.staff_a, application=application)
    assert fresh(application).status == S.APPROVED and grant.application == application


def test_opinions_only_during_the_township_review(world, allowance):
    application = allowance.advance(allowance.declare(), "opinions")
    services.application_suspend(user=world.staff_a, application=application, reason="补材料")
    other = f.reviewer(world.town_a, kind="comprehensive", username="reviewer_c2")
    with pytest.raises(ValidationError, match="during the township review"):
        services.opinion_record(user=other, application=application, text="同意")
    fresh_one = allowance.declare()  # not yet sent to the reviewers: out of their sight
    with pytest.raises(PermissionDenied):
        services.opinion_record(user=allowance.discipline, application=fresh_one, text="同意")
    town_b = f.reviewer(world.town_b, username="reviewer_b")
    with pytest.raises(PermissionDenied):
        services.opinion_record(user=town_b, application=application, text="同意")


@pytest.mark.parametrize(
    ("months", "end", "reason", "message"),
    [
        (119, date(2008, 6, 1), "retired", "119 months of service: at least 120"),
        (200, date(2009, 1, 1), "retired", "after the cutoff 2008-12-31"),
        (200, date(2008, 6, 1), "resigned", "(Resigned)"),
        (200, date(2008, 6, 1), "dismissed", "(Dismissed for discipline)"),
    ],
)
def test_approval_refused_when_the_rules_say_not_eligible(
    world, allowance, months, end, reason, message
):
    application = allowance.declare(months=months, end=end, reason=reason)
    application = allowance.advance(application, "opinions")
    with pytest.raises(ValidationError, match=message):
        services.application_approve(user=world.staff_a, application=application)
    assert fresh(application).status == S.TOWNSHIP_REVIEW
    assert not AllowanceGrant.objects.exists()


def test_the_registry_checks_the_declaration(world, allowance):
    village = f.VillageFactory(township=world.town_a)
    person = f.PersonFactory(village=village, name="陈老")
    f.PostFactory(person=person, village=village, start_date=date(2015, 1, 1))  # serving
    application = allowance.declare(name="陈老", id_number=person.id_number, village=village)
    application = allowance.advance(application, "opinions")
    with pytest.raises(ValidationError, match="has not ended"):
        services.application_approve(user=world.staff_a, application=application)


def test_approval_refused_after_death(world, allowance):
    application = allowance.advance(allowance.declare(), "opinions")
    Person.objects.filter(pk=application.person_id).update(died_on=date(2025, 2, 3))
    with pytest.raises(ValidationError, match="died on 2025-02-03"):
        services.application_approve(user=world.staff_a, application=application)


@pytest.mark.parametrize(
    ("months", "declared_on", "tier", "amount", "start"),
    [
        (120, date(2009, 6, 1), 1, "100.00", date(2010, 1, 1)),
        (216, date(2026, 3, 9), 1, "100.00", date(2026, 3, 1)),
        (217, date(2012, 7, 31), 2, "200.00", date(2012, 7, 1)),
    ],
)
def test_approval_creates_the_grant(world, allowance, months, declared_on, tier, amount, start):
    application = allowance.declare(months=months, declared_on=declared_on)
    application = allowance.advance(application, S.APPROVED)
    grant = application.grant
    assert (grant.service_months, grant.tier, grant.monthly_amount, grant.start_month) == (
        months,
        tier,
        Decimal(amount),
        start,
    )
    assert grant.status == "active" and grant.person == application.person
    assert application.decided_at is not None


def test_suspend_and_reject_need_a_reason_and_suspension_resumes(world, allowance):
    application = allowance.advance(allowance.declare(), S.TOWNSHIP_REVIEW)
    with pytest.raises(ValidationError, match="why the application is suspended"):
        services.application_suspend(user=world.staff_a, application=application, reason=" ")
    services.application_suspend(user=world.staff_a, application=application, reason="缺少档案")
    assert fresh(application).suspension_reason == "缺少档案"
    services.application_resume(user=world.staff_a, application=application, comment="已补齐")
    assert fresh(application).status == S.TOWNSHIP_REVIEW
    with pytest.raises(ValidationError, match="why the application is rejected"):
        services.application_reject(user=world.staff_a, application=application, reason="")
    services.application_reject(user=world.staff_a, application=application, reason="任期不足")
    application = fresh(application)
    assert application.status == S.REJECTED and application.rejection_reason == "任期不足"
    comments = list(application.events.values_list("comment", flat=True))
    assert "缺少档案" in comments and "已补齐" in comments and "任期不足" in comments


def test_the_report_needs_all_three_acknowledgements(world, allowance):
    application = allowance.advance(allowance.declare(), S.APPROVED)
    with pytest.raises(ValidationError, match="only an approved|Only an approved"):
        services.report_acknowledge(
            user=world.admin, application=allowance.declare(), body="organisation"
        )
    services.report_acknowledge(user=world.admin, application=application, body="organisation")
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.report_acknowledge(user=world.admin, application=application, body="organisation")
    with pytest.raises(PermissionDenied):
        services.report_acknowledge(user=world.admin, application=application, body="finance")
    services.report_acknowledge(user=world.finance, application=application, body="finance")
    assert fresh(application).status == S.APPROVED
    with pytest.raises(ValidationError, match="Name who at the labour bureau confirmed"):
        services.report_acknowledge(user=world.admin, application=application, body="labour")
    services.report_acknowledge(
        user=world.admin, application=application, body="labour", comment="劳动局李科长确认"
    )
    application = fresh(application)
    assert application.status == S.REPORTED
    last = application.events.latest("pk")
    assert (last.from_status, last.to_status, last.user) == (S.APPROVED, S.REPORTED, world.admin)


def test_timeline_lists_every_step_in_order(world, allowance):
    application = allowance.advance(allowance.declare(), S.REPORTED)
    kinds = [(e.kind, e.title) for e in selectors.timeline(application)]
    assert kinds[0] == ("event", "Declared")
    assert ("opinion", "Discipline inspection") in kinds
    assert ("acknowledgement", "District labour bureau") in kinds
    assert kinds[-1] == ("event", "Approved → Reported to the district")
    assert all(e.user is not None for e in selectors.timeline(application))


# --- scope ------------------------------------------------------------------------------------


def test_reviewers_see_only_applications_sent_to_them(world, allowance):
    declared = allowance.declare()
    sent = allowance.advance(allowance.declare(), S.TOWNSHIP_REVIEW)
    seen = set(
        scope_queryset(allowance.discipline, AllowanceApplication).values_list("pk", flat=True)
    )
    assert seen == {sent.pk}
    assert set(
        scope_queryset(allowance.discipline, DeclaredTenure).values_list("application", flat=True)
    ) == {sent.pk}
    reviewer_b = f.reviewer(world.town_b, username="reviewer_b")
    assert not scope_queryset(reviewer_b, AllowanceApplication).exists()
    assert not scope_queryset(allowance.discipline, AllowanceGrant).exists()
    assert declared.pk not in seen


@pytest.mark.parametrize(
    ("user_name", "sees"),
    [
        ("admin", True),
        ("finance", True),
        ("staff_a", True),
        ("staff_b", False),
        ("secretary", True),
    ],
)
def test_who_sees_an_application(world, allowance, user_name, sees):
    application = allowance.declare()
    user = getattr(world, user_name)
    assert scope_queryset(user, AllowanceApplication).filter(pk=application.pk).exists() is sees


def test_the_next_step_is_notified(world, allowance):
    from portal.models import Notification

    application = allowance.advance(allowance.declare(), S.TOWNSHIP_REVIEW)
    assert Notification.objects.filter(recipient=allowance.discipline).count() == 1
    assert Notification.objects.filter(recipient=allowance.comprehensive).count() == 1
    assert not Notification.objects.filter(recipient=world.staff_b).exists()
    allowance.advance(application, S.APPROVED)
    for user in (world.admin, world.finance):
        (notice,) = Notification.objects.filter(recipient=user)
        assert notice.url == application.get_absolute_url()
