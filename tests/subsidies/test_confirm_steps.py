"""Irreversible steps ask first (issue 10), table-driven over every step that asks in the
three workflows: payroll runs (SPEC §3, R-PAY lock on the hash chain), award lists (R-PAY-4)
and allowance applications (R-ALW-4). A POST without ``confirm=yes`` changes nothing (status,
events, enqueued tasks) and shows the confirmation page naming what the step acts on, with the
posted fields carried; the POST from that page takes the step."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from portal.confirm import CONFIRM_STEPS
from subsidies import services
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import AllowanceApplication, ApplicationEvent
from subsidies.choices import AwardStatus, RunStatus
from subsidies.models import AwardEvent, AwardList, PayrollRun, RunEvent

pytestmark = [pytest.mark.django_db]

NOV = date(2026, 11, 1)


@dataclass
class Case:
    """One step: the object in the state before it, who takes it, what is posted, the
    status after, and what the confirmation page must name."""

    url: str
    user: object
    data: dict
    state: object  # () -> (status, number of events)
    after: str
    names: list[str]


def _run(world, status):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    run = services.run_compute(run_id=run.pk, user=world.staff_a)
    if status in (RunStatus.APPROVED, RunStatus.LOCKED):
        run = services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    if status == RunStatus.LOCKED:
        run = services.run_lock(user=world.finance, run=run)
    run = PayrollRun.objects.get(pk=run.pk)
    assert run.status == status
    return run


def _run_case(world, status, action, user, after, data=None):
    run = _run(world, status)

    def state():
        run_now = PayrollRun.objects.get(pk=run.pk)
        return run_now.status, RunEvent.objects.filter(run=run).count(), run_now.line_count

    return Case(
        reverse("subsidies:run-action", args=[run.pk, action]),
        user,
        data or {},
        state,
        after,
        [world.town_a.name, "2026-11", str(run.line_count), str(run.total_amount)],
    )


def _award_case(world, status, action, user, after, data=None):
    award_list = AwardList.objects.create(township=world.town_a, year=2025, status=status)

    def state():
        return (
            AwardList.objects.get(pk=award_list.pk).status,
            AwardEvent.objects.filter(award_list=award_list).count(),
        )

    return Case(
        reverse("awards:award-action", args=[award_list.pk, action]),
        user,
        data or {},
        state,
        after,
        [world.town_a.name, "2025"],
    )


def _allowance_case(world, allowance, action, after, data=None):
    application = allowance.declare()
    allowance.advance(application, "opinions")

    def state():
        return (
            AllowanceApplication.objects.get(pk=application.pk).status,
            ApplicationEvent.objects.filter(application=application).count(),
        )

    return Case(
        reverse("allowance:application-action", args=[application.pk, action]),
        world.staff_a,
        data or {},
        state,
        after,
        [application.person.name, str(application.village)],
    )


CASES = {
    ("payroll", "recompute"): lambda w, a: _run_case(
        w, RunStatus.COMPUTED, "compute", w.staff_a, RunStatus.COMPUTED
    ),
    ("payroll", "approve"): lambda w, a: _run_case(
        w,
        RunStatus.COMPUTED,
        "approve",
        w.staff_a,
        RunStatus.APPROVED,
        {"comment": "审核无误", "acknowledge": "1"},
    ),
    ("payroll", "reopen"): lambda w, a: _run_case(
        w, RunStatus.APPROVED, "reopen", w.staff_a, RunStatus.COMPUTED, {"comment": "补录考核"}
    ),
    ("payroll", "lock"): lambda w, a: _run_case(
        w, RunStatus.APPROVED, "lock", w.finance, RunStatus.LOCKED
    ),
    ("payroll", "disburse"): lambda w, a: _run_case(
        w, RunStatus.LOCKED, "disburse", w.finance, RunStatus.DISBURSED
    ),
    ("award", "approve"): lambda w, a: _award_case(
        w, AwardStatus.SUBMITTED, "approve", w.admin, AwardStatus.APPROVED, {"comment": "同意"}
    ),
    ("award", "return"): lambda w, a: _award_case(
        w, AwardStatus.SUBMITTED, "return", w.admin, AwardStatus.RETURNED, {"reason": "重排"}
    ),
    ("award", "record"): lambda w, a: _award_case(
        w, AwardStatus.APPROVED, "record", w.finance, AwardStatus.RECORDED
    ),
    ("allowance", "approve"): lambda w, a: _allowance_case(
        w, a, "approve", S.APPROVED, {"comment": "党委会通过"}
    ),
    ("allowance", "reject"): lambda w, a: _allowance_case(
        w, a, "reject", S.REJECTED, {"reason": "任职年限不足"}
    ),
}


def test_the_table_covers_every_step_that_asks():
    """Every step of CONFIRM_STEPS has a row here (compute-month has its own test)."""
    steps = {(w, s) for w, ss in CONFIRM_STEPS.items() for s in ss} - {("payroll", "compute-month")}
    assert steps == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: "-".join(k))
def test_an_irreversible_step_asks_first_and_then_is_taken(
    client, world, payroll, allowance, django_capture_on_commit_callbacks, key
):
    """Issue 10: without confirm=yes nothing changes and the confirmation page names the
    object; the POST of that page's form (hidden fields + confirm=yes) takes the step."""
    case = CASES[key](world, allowance)
    client.force_login(case.user)
    before = case.state()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(case.url, case.data)
    assert response.status_code == 200
    assert case.state() == before, "a POST without confirm=yes changed something"
    assert callbacks == [], "a POST without confirm=yes enqueued a task"
    page = response.content.decode()
    assert 'name="confirm" value="yes"' in page and 'id="confirm-cancel"' in page
    for name in case.names:
        assert name in page, name
    for field, value in case.data.items():
        assert f'name="{field}" value="{value}"' in page
    carried = {**case.data, "confirm": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case.url, carried)
    assert response.status_code == 302
    assert case.state()[0] == case.after
    assert case.state()[1] > before[1] or key == ("payroll", "recompute")


def test_a_wrong_confirm_value_does_not_count(client, world, payroll):
    """Only confirm=yes takes the step (issue 10)."""
    run = _run(world, RunStatus.APPROVED)
    client.force_login(world.finance)
    url = reverse("subsidies:run-action", args=[run.pk, "lock"])
    assert client.post(url, {"confirm": "1"}).status_code == 200
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and not run.ledger_hash


def test_a_step_the_user_may_not_take_is_refused_not_confirmed(client, world, payroll):
    """A role that does not lock gets no confirmation page for it: the service refuses."""
    run = _run(world, RunStatus.APPROVED)
    client.force_login(world.staff_a)
    response = client.post(reverse("subsidies:run-action", args=[run.pk, "lock"]))
    assert response.status_code != 200
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED


def test_the_first_compute_of_a_draft_does_not_ask(
    client, world, payroll, django_capture_on_commit_callbacks
):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    client.force_login(world.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("subsidies:run-action", args=[run.pk, "compute"]))
    assert response.status_code == 302
    assert PayrollRun.objects.get(pk=run.pk).status == RunStatus.COMPUTED


def test_computing_a_month_with_computed_runs_asks_first(
    client, world, payroll, django_capture_on_commit_callbacks
):
    """The compute-month page recomputes existing computed runs: it asks first, naming each
    township's lines and total; nothing is enqueued until confirm=yes."""
    run = _run(world, RunStatus.COMPUTED)
    client.force_login(world.staff_a)
    url = reverse("subsidies:compute-month")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"month": "2026-11"})
    assert response.status_code == 200 and callbacks == []
    page = response.content.decode()
    assert world.town_a.name in page and str(run.total_amount) in page
    assert 'name="month" value="2026-11"' in page and 'class="danger"' in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"month": "2026-11", "confirm": "yes"})
    assert response.status_code == 302 and callbacks


def test_destructive_buttons_do_not_look_primary(client, world, payroll):
    """重新计算 does not look like 审核 (issue 10): recompute is .danger, approve is not."""
    run = _run(world, RunStatus.COMPUTED)
    client.force_login(world.staff_a)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'class="danger">重新计算' in page
    assert '<button type="submit">审核' in page or "审核</button>" in page
