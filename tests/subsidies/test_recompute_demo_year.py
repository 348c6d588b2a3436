"""Issue 9, 10b as a property over a whole demo year: computing any run a second time before
approval gives exactly the lines of the first compute, for every component (regular lines,
held lines, arrears and adjustments after lock, floor top-ups in December), whatever the
other runs of the month and year paid (SPEC §3 "Recomputing a run … replaces its lines";
R-PAY-2, R-PAY-3, R-PAY-5)."""

from datetime import date

import pytest
from django.db.models import Count

from cadres.choices import EndReason, PostRole
from cadres.demo import DemoOptions, load_demo
from cadres.models import PerformanceAppraisal, Post
from portal.dates import add_months
from subsidies import services
from subsidies.demo import load_payroll_demo
from subsidies.models import PaymentLine, Policy

from .test_pay_per_day import snapshot

pytestmark = pytest.mark.django_db

TODAY = date(2027, 1, 20)
YEAR = 2026


def _mover() -> int:
    """A serving secretary of the first township who moves on 16 June to a committee post in
    a village of the second township (R-PAY-3: both townships pay June, each its days)."""
    single = (
        Post.objects.values("person_id").annotate(n=Count("pk")).filter(n=1).values("person_id")
    )
    post = (
        Post.objects.filter(role=PostRole.SECRETARY, end_date__isnull=True, person_id__in=single)
        .select_related("village__township")
        .order_by("village__township__code", "village__code")
        .first()
    )
    other = (
        Post.objects.exclude(village__township=post.village.township)
        .order_by("village__code")
        .first()
    )
    post.end_date, post.end_reason = date(YEAR, 6, 15), EndReason.TERM_ENDED
    post.save()
    Post.objects.create(
        person=post.person,
        village=other.village,
        role=PostRole.COMMITTEE_MEMBER,
        start_date=date(YEAR, 6, 16),
    )
    return post.person_id


def _perturb(month: date, removed: list) -> None:
    """Changes after a month is locked, so that later months carry corrections."""
    if month.month == 2:  # missing appraisals: March is held ...
        march = PerformanceAppraisal.objects.filter(
            period_start__lte=date(YEAR, 3, 31), period_end__gte=date(YEAR, 3, 1)
        ).order_by("pk")[:3]
        removed.extend(march)
        PerformanceAppraisal.objects.filter(pk__in=[a.pk for a in removed]).delete()
    if month.month == 3:  # ... entered after March is locked: arrears in April
        for appraisal in removed:
            appraisal.pk = None
            appraisal.save()
    if month.month == 4:  # a corrected tenure of a locked month: an adjustment in May
        post = Post.objects.filter(end_date__isnull=True, start_date__lt=date(YEAR, 1, 1)).last()
        post.end_date, post.end_reason = date(YEAR, 4, 10), EndReason.RESIGNED
        post.save()


def test_every_run_of_a_demo_year_computed_twice_gives_the_same_lines():
    load_demo(DemoOptions(townships=2, villages=3, seed=11, today=TODAY, appraisal_months=18))
    load_payroll_demo(today=TODAY, seed=11, months=0, log=lambda _text: None)
    Policy.objects.update(floor_topup_enabled=True)  # R-PAY-5 top-ups in December
    mover = _mover()
    month = date(YEAR, 1, 1)
    kinds, removed = set(), []
    while month.year == YEAR:
        runs = services.run_create_drafts(month=month)
        assert len(runs) == 2
        for run in runs:
            first = snapshot(services.run_compute(run_id=run.pk))
            again = snapshot(services.run_compute(run_id=run.pk))
            assert again == first, f"{run.township.code} {month:%Y-%m}"
            kinds |= {(row["component"], row["kind"], row["held"]) for row in first}
            if month.month < 12:
                run = services.run_approve(user=None, run=run, acknowledge=True)
                services.run_lock(user=None, run=run)
        _perturb(month, removed)
        month = add_months(month, 1)
    # The year exercised every kind of line the property is about.
    assert {
        ("basic", "regular", False),
        ("performance", "regular", True),
        ("performance", "arrears", False),
        ("basic", "adjustment", False),
        ("floor_topup", "regular", False),
    } <= kinds
    june = PaymentLine.objects.filter(person_id=mover, pays_for=date(YEAR, 6, 1), kind="regular")
    assert june.values("run__township").distinct().count() == 2
    assert PaymentLine.objects.filter(person_id=mover, component="floor_topup").count() == 1
