"""Payroll pages and API: runs, a run's lines and actions by role, progress, pay slips,
policy (SPEC §3)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies import services
from subsidies.choices import RunStatus
from subsidies.models import PayrollRun, Policy
from tests import factories as f

pytestmark = [pytest.mark.django_db]

NOV = date(2026, 11, 1)


@pytest.fixture
def run(world, payroll):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    return services.run_compute(run_id=run.pk, user=world.staff_a)


def test_run_list_and_detail_show_lines_with_derivations(client, world, run):
    client.force_login(world.staff_a)
    page = client.get(reverse("subsidies:run-list")).content.decode()
    assert "2026-11" in page and world.town_a.name in page
    detail = client.get(run.get_absolute_url())
    content = detail.content.decode()
    assert detail.status_code == 200
    assert "2,300.00" in content  # issue 10: thousands separators
    assert "一肩挑标准 600.00 × 30/30天" in content  # the derivation in words, in Chinese
    assert 'data-progress-url="' in content
    assert "approve" in detail.context["actions"]


def test_run_detail_query_count_does_not_grow_with_lines(client, world, run):
    client.force_login(world.staff_a)
    with CaptureQueriesContext(connection) as few:
        client.get(run.get_absolute_url())
    for _ in range(20):
        person = f.PersonFactory(village=world.village_a)
        f.PostFactory(
            person=person,
            village=world.village_a,
            role="committee_member",
            start_date=date(2026, 1, 1),
        )
    services.run_compute(run_id=run.pk, user=world.staff_a)
    with CaptureQueriesContext(connection) as many:
        client.get(run.get_absolute_url())
    assert len(few.captured_queries) == len(many.captured_queries)


def test_other_township_cannot_see_or_act_on_the_run(client, world, run):
    client.force_login(world.staff_b)
    assert client.get(run.get_absolute_url()).status_code == 404
    url = reverse("subsidies:run-action", args=[run.pk, "approve"])
    assert client.post(url, {"acknowledge": "1"}).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED


def test_actions_by_role_through_the_pages(client, world, run):
    client.force_login(world.finance)
    assert client.get(run.get_absolute_url()).context["actions"] == []
    client.post(reverse("subsidies:run-action", args=[run.pk, "approve"]))
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED
    client.force_login(world.staff_a)
    client.post(reverse("subsidies:run-action", args=[run.pk, "approve"]), {"confirm": "yes"})
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    client.force_login(world.finance)
    assert client.get(run.get_absolute_url()).context["actions"] == ["lock"]
    client.post(reverse("subsidies:run-action", args=[run.pk, "lock"]), {"confirm": "yes"})
    run.refresh_from_db()
    assert run.status == RunStatus.LOCKED and run.ledger_hash


def test_refused_approval_shows_the_reason(client, world, run):
    world.secretary_a.bank_account = world.secretary_a.bank_name = ""
    world.secretary_a.save()
    services.run_compute(run_id=run.pk, user=world.staff_a)
    client.force_login(world.staff_a)
    url = reverse("subsidies:run-action", args=[run.pk, "approve"])
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "完整性" in response.content.decode()  # the warning, in Chinese
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED


def test_compute_from_the_page_runs_the_task(
    client, world, payroll, django_capture_on_commit_callbacks
):
    client.force_login(world.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("subsidies:compute-month"), {"month": "2026-11"})
    assert response.status_code == 302
    run = PayrollRun.objects.get(township=world.town_a, month=NOV)
    assert run.status == RunStatus.COMPUTED  # eager Celery in the tests
    assert (
        not PayrollRun.objects.filter(township=world.town_b)
        .exclude(status=RunStatus.DRAFT)
        .exists()
    )
    progress = client.get(reverse("subsidies:run-progress", args=[run.pk])).json()
    assert progress == {"status": "computed", "done": 3, "total": 3, "running": False, "error": ""}
    month = client.get(reverse("subsidies:month-progress", args=["2026-11"])).json()
    assert (month["done"], month["total"]) == (1, 1)


def test_secretary_sees_own_pay_slips_only(client, world, run):
    services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    client.force_login(world.secretary)
    page = client.get(reverse("subsidies:my-slips"))
    assert page.status_code == 200
    assert "1,100.00" in page.content.decode()
    other = run.lines.exclude(person=world.secretary_a).first().person_id
    assert client.get(reverse("subsidies:pay-slips", args=[other])).status_code == 404
    assert client.get(run.get_absolute_url()).status_code == 403  # runs are not for secretaries
    lines = client.get(reverse("payment-line-list")).json()["results"]
    assert {line["person"] for line in lines} == {world.secretary_a.pk}


def test_policy_pages(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("subsidies:policy-add"),
        {
            "valid_from": "2026-01",
            "secretary_basic": "500.00",
            "one_shoulder_basic": "600.00",
            "member_ratio": "0.60",
            "performance_floor": "300.00",
            "factor_excellent": "1.20",
            "factor_competent": "1.00",
            "factor_basic": "0.60",
            "factor_incompetent": "0.00",
            "award_amount": "5000.00",
            "award_ratio": "0.15",
            "floor_other_ratio": "0.60",
            "allowance_cutoff": "2008-12-31",
            "allowance_payable_from": "2010-01-01",
            "allowance_min_months": 120,
            "allowance_tier1_max_months": 216,
            "allowance_tier1_amount": "100.00",
            "allowance_tier2_amount": "200.00",
            "correction_months": 12,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Policy.objects.get().district == world.district
    client.force_login(world.staff_a)
    assert client.get(reverse("subsidies:policy-add")).status_code == 403
    response = client.post(
        reverse("subsidies:standard-add"),
        {"township": world.town_a.pk, "valid_from": "2026-01", "amount": "280.00"},
    )
    assert response.status_code == 200
    assert "300" in str(response.context["form"].errors)
    response = client.post(
        reverse("subsidies:standard-add"),
        {"township": world.town_b.pk, "valid_from": "2026-01", "amount": "400.00"},
    )
    assert response.status_code == 200  # township B is not a choice for staff of A


def test_api_runs_and_actions(client, world, run):
    client.force_login(world.staff_a)
    rows = client.get(reverse("payroll-run-list")).json()["results"]
    assert [r["id"] for r in rows] == [run.pk]
    response = client.post(
        reverse("payroll-run-approve", args=[run.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = client.post(
        reverse("payroll-run-lock", args=[run.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(world.staff_b)
    assert client.get(reverse("payroll-run-detail", args=[run.pk])).status_code == 404
    lines = client.get(reverse("payment-line-list"), {"run": run.pk}).json()
    assert lines["count"] == 0


def test_floor_report_page(client, world, run):
    from subsidies.models import RuralIncome

    RuralIncome.objects.create(district=world.district, year=2026, amount="9000.00")
    client.force_login(world.staff_a)
    page = client.get(reverse("subsidies:floor-report-year", args=[2026]))
    assert page.status_code == 200
    assert world.secretary_a.name in page.content.decode()


def test_run_detail_pagination_offers_page_sizes_and_obeys_per_page(client, world, run):
    """Issue 10 (smaller things): the run page paginates like the other lists — the page-size
    choice is offered and ``?per_page=`` is obeyed (garbage is a 400)."""
    client.force_login(world.staff_a)
    for _ in range(30):
        person = f.PersonFactory(village=world.village_a)
        f.PostFactory(
            person=person,
            village=world.village_a,
            role="committee_member",
            start_date=date(2026, 1, 1),
        )
    services.run_compute(run_id=run.pk, user=world.staff_a)
    small = client.get(run.get_absolute_url(), {"per_page": 25})
    assert small.context["page_obj"].paginator.per_page == 25
    assert len(small.context["page_obj"].object_list) == 25
    assert "per_page=100" in small.content.decode()
    large = client.get(run.get_absolute_url(), {"per_page": 100})
    assert large.context["page_obj"].paginator.per_page == 100
    assert client.get(run.get_absolute_url(), {"per_page": "abc"}).status_code == 400


def test_run_detail_has_a_breadcrumb_back_to_its_month(client, world, run):
    """Issue 10 (smaller things): the run page links back to its month and the run list."""
    client.force_login(world.staff_a)
    content = client.get(run.get_absolute_url()).content.decode()
    assert 'class="breadcrumb"' in content
    crumbs = content.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("subsidies:month", args=[NOV])}"' in crumbs
    assert f'href="{reverse("subsidies:run-list")}"' in crumbs
    assert "报酬发放" in crumbs and "2026-11" in crumbs and world.town_a.name in crumbs


def test_pages_mark_progress_running_only_while_a_compute_is_under_way(client, world, run):
    """Issue 10 (smaller things): the progress script polls only while the page says a
    compute is under way — not for a month that merely has a draft run, not for a computed
    run; a compute that was asked for counts as under way until the worker is done."""
    from subsidies import tasks

    PayrollRun.objects.create(township=world.town_a, month=date(2026, 12, 1))
    client.force_login(world.staff_a)
    month = client.get(reverse("subsidies:month", args=[date(2026, 12, 1)])).content.decode()
    assert 'data-running="false"' in month
    assert 'data-running="false"' in client.get(run.get_absolute_url()).content.decode()
    assert not client.get(reverse("subsidies:run-progress", args=[run.pk])).json()["running"]
    tasks.mark_queued([run.pk])
    try:
        assert 'data-running="true"' in client.get(run.get_absolute_url()).content.decode()
        assert client.get(reverse("subsidies:month-progress", args=["2026-11"])).json()["running"]
        month = client.get(reverse("subsidies:month", args=[NOV])).content.decode()
        assert 'data-running="true"' in month
    finally:
        cache.delete(tasks.progress_key(run.pk))  # the cache outlives the test database
