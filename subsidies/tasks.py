"""Celery tasks of the remuneration app: idempotent, they take ids and call one service."""

from __future__ import annotations

import logging
from datetime import date

from celery import chord, group, shared_task
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal import audit
from portal.models import User

from . import services
from .models import PayrollRun

log = logging.getLogger(__name__)


def progress_key(run_id: int) -> str:
    return f"payroll:progress:{run_id}"


def mark_queued(run_ids) -> None:
    """A compute is asked for: the runs count as computing until the worker finishes (it
    deletes the key), so the page polls its progress only while there is some (issue 10)."""
    cache.set_many(
        {progress_key(pk): {"done": 0, "total": 0, "running": True} for pk in run_ids},
        timeout=3600,
    )


def run_progress(run: PayrollRun) -> dict:
    """Progress while a compute runs (the cache, written by the worker), else the row."""
    live = cache.get(progress_key(run.pk))
    if live:
        return live
    return {"done": run.progress_done, "total": run.progress_total, "running": False}


@shared_task(acks_late=True)
def compute_run_task(run_id: int, user_id: int | None = None) -> dict:
    """Compute one township's run. Safe to deliver twice: the compute replaces the run's lines
    under a row lock, and a run no longer open is left alone. Not retried: a refusal
    (ValidationError) is stored on the run for the user to see, and anything else is a bug
    to surface, not to repeat (``acks_late``: a worker lost mid-compute redelivers it)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        cache.set(
            progress_key(run_id), {"done": done, "total": total, "running": True}, timeout=3600
        )

    try:
        with audit.acting_as(user):
            run = services.run_compute(run_id=run_id, user=user, progress=progress)
    except ValidationError as exc:
        message = "; ".join(exc.messages)
        PayrollRun.objects.filter(pk=run_id).update(error=message)
        log.warning("run %s not computed: %s", run_id, message)
        return {"run": run_id, "error": message}
    finally:
        cache.delete(progress_key(run_id))
    return {"run": run.pk, "lines": run.line_count, "total": str(run.total_amount)}


@shared_task
def district_month_done(results: list[dict], district_id: int, month: str) -> dict:
    errors = [r for r in results if r and r.get("error")]
    log.info(
        "district %s month %s computed: %s runs, %s errors",
        district_id,
        month,
        len(results),
        len(errors),
    )
    return {"runs": len(results), "errors": len(errors)}


def compute_district(*, district, month: date, user=None, township_codes=None):
    """Fan a district month out per township (a chord of one task per run). Returns the
    AsyncResult of the chord and the runs."""
    runs = services.run_create_drafts(month=month, district=district)
    if township_codes:
        runs = [r for r in runs if r.township.code in township_codes]
    runs = [r for r in runs if r.is_open]
    user_id = getattr(user, "pk", None)
    mark_queued([run.pk for run in runs])
    header = group(compute_run_task.si(run.pk, user_id) for run in runs)
    result = chord(header)(district_month_done.s(district.pk, month.isoformat()))
    return result, runs


@shared_task
def create_draft_runs_task(month: str | None = None) -> int:
    """Celery beat, on the 1st of each month: each township's draft run (idempotent)."""
    day = date.fromisoformat(month) if month else timezone.localdate()
    return len(services.run_create_drafts(month=day.replace(day=1)))
