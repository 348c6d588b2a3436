"""Registry import jobs (SPEC §2 "Bulk import"): an uploaded file is stored under
MEDIA_ROOT/imports (never served), then imported at once when it is small or by the Celery
task ``cadres.tasks.import_registry_task`` when it has more data rows than
``settings.IMPORT_SYNC_MAX_ROWS``; either way the job keeps the counts or the full report.

Progress. The rows are written inside one transaction (all or nothing), so nothing written
to the job row from inside it would be seen before the end. The job row is updated while
the file is read and checked (no transaction is open then) and between phases; while rows
are written the progress goes to the cache (Redis in production), which the progress
endpoint reads. No second database connection is needed, so SQLite cannot block on it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cadres.models import Person
from portal import audit
from portal.choices import ImportStatus, Role
from portal.models import ImportJob
from portal.scope import CHANGE, may, scope_queryset

from .columns import find_kind
from .readers import count_data_rows
from .report import UnreadableFile
from .service import registry_import

__all__ = [
    "MAX_STORED_ERRORS",
    "audit_import",
    "JobProgress",
    "import_job_list",
    "import_job_progress",
    "import_job_run",
    "import_job_submit",
]

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 50_000  # a file this bad is fixed from the first ones; the count is kept
PROGRESS_TTL = 60 * 60 * 24


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


# --- reads -----------------------------------------------------------------------------------


def import_job_list(*, user) -> QuerySet:
    """The jobs a user may see: their own; a district admin's, their district's."""
    jobs = scope_queryset(user, ImportJob).select_related("user")
    if not (user.is_superuser or user.role == Role.DISTRICT_ADMIN):
        jobs = jobs.filter(user=user)
    return jobs


def _percent(phase: str, done: int, total: int, finished: bool) -> int:
    if finished:
        return 100
    share = min(1.0, done / total) if total else 0.0
    if phase == "validating":
        return int(50 * share)
    if phase == "writing":
        return 50 + int(50 * share)
    return 0


def import_job_progress(job: ImportJob) -> dict:
    """Status, phase and done/total of the current phase (live from the cache while the rows
    are written), and an overall percentage."""
    data = {
        "status": job.status,
        "phase": job.phase,
        "done": job.done_rows,
        "total": job.total_rows,
        "finished": job.finished,
    }
    if job.status == ImportStatus.RUNNING:
        try:
            live = cache.get(progress_key(job.pk))
        except Exception:  # noqa: BLE001 - the row's figures will do
            live = None
        if live:
            data.update(live)
    data["percent"] = _percent(data["phase"], data["done"], data["total"], job.finished)
    return data


# --- progress of a running job ------------------------------------------------------------------


class JobProgress:
    """Receives (phase, done, total) from the importer; records it about every 1 % of a
    phase: in the cache always, on the job row unless rows are being written."""

    STEPS = 100

    def __init__(self, job: ImportJob):
        self.job = job
        self.phase = None
        self.last = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        step = max(1, total // self.STEPS)
        if phase == self.phase and done != total and done - self.last < step:
            return
        self.phase, self.last = phase, done
        try:
            cache.set(
                progress_key(self.job.pk),
                {"phase": phase, "done": done, "total": total},
                PROGRESS_TTL,
            )
        except Exception:  # A progress bar is not worth failing an import for
            logger.warning("import job %s: progress not cached", self.job.pk, exc_info=True)
        if phase != "writing":
            fields = {"phase": phase, "done_rows": done}
            if total:  # while the file is read its size is not known yet: keep the estimate
                fields["total_rows"] = total
            ImportJob.objects.filter(pk=self.job.pk).update(**fields)


# --- writes ----------------------------------------------------------------------------------


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _enqueue(job_id: int) -> None:
    from cadres.tasks import import_registry_task

    import_registry_task.delay(job_id)


def import_job_submit(
    *, user, file, dry_run: bool = False, kind: str = "", language: str = ""
) -> ImportJob:
    """Store an uploaded file as a job and import it: now when it is small, else by the
    Celery task (enqueued once the job is committed). The file's type is told from its
    content; a file that cannot be read is refused here, before a job exists. The report is
    written in ``language`` (the uploader's)."""
    if not may(user, CHANGE, Person):
        raise PermissionDenied(_("Your role may not import the registry."))
    if kind and find_kind(kind) is None:
        raise ValidationError({"kind": _("Unknown kind.")})
    if file.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(size)s MB.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            }
        )
    file.seek(0)
    try:
        estimate = count_data_rows(file, exact_below=settings.IMPORT_SYNC_MAX_ROWS)
    except UnreadableFile as exc:
        raise ValidationError({"file": str(exc)})
    township = user.township if user.township_id else None
    job = ImportJob(
        user=user,
        township=township,
        district_id=user.district_id or (township.district_id if township else None),
        original_name=PurePath(file.name or "upload").name[:255],
        sha256=_sha256(file),
        kind=kind or "",
        dry_run=dry_run,
        language=language or translation.get_language() or "",
        total_rows=estimate,
    )
    job.file.save(file.name or "upload", file, save=False)
    background = estimate > settings.IMPORT_SYNC_MAX_ROWS
    with transaction.atomic():
        job.save()
        if background:
            transaction.on_commit(partial(_enqueue, job.pk))
    if not background:
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _stale(job: ImportJob) -> bool:
    """A job left running longer than a task may live: its worker died, and its transaction
    was rolled back with it, so it may run again."""
    limit = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    return job.started_at is None or job.started_at < timezone.now() - limit


def _finish(job: ImportJob, status: str, *, result=None, message: str = "") -> None:
    job.status = status
    job.phase = ""
    job.message = message
    job.finished_at = timezone.now()
    if result is not None:
        job.counts = result.counts
        job.error_count = len(result.errors)
        job.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
        job.total_rows = job.done_rows = result.rows
    if job.file:
        # The registry holds the data now; the copy of the file (ID numbers, bank accounts)
        # is not kept. Its SHA-256 stays on the job.
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("import job %s: stored file not deleted", job.pk, exc_info=True)
    job.save()
    try:
        cache.delete(progress_key(job.pk))
    except Exception:
        logger.warning("import job %s: progress not cleared", job.pk, exc_info=True)


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a job once: a job done, failed or running (and not stale) is left as it is, so a
    task delivered twice imports once."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished or (job.status == ImportStatus.RUNNING and not _stale(job)):
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.phase = "reading"
        job.done_rows = 0
        job.save(update_fields=["status", "started_at", "phase", "done_rows"])
    try:
        with (
            translation.override(job.language or settings.LANGUAGE_CODE),
            job.file.open("rb") as source,
        ):
            result = registry_import(
                user=job.user,
                source=source,
                name=job.original_name,
                dry_run=job.dry_run,
                kind=job.kind or None,
                progress=JobProgress(job),
            )
    except UnreadableFile as exc:
        _finish(job, ImportStatus.FAILED, message=str(exc))
    except Exception:
        logger.exception("registry import job %s failed", job.pk)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The import stopped on an unexpected error; nothing was imported.")
        _finish(job, ImportStatus.FAILED, message=message)
    else:
        _finish(job, ImportStatus.DONE, result=result)
        if job.imported:
            audit_import(job, job.user, result, job.original_name)
    return job


def audit_import(instance, user, result, name: str) -> None:
    """The rows went in by bulk_create/bulk_update (no signals): one audit entry says what
    the import wrote."""
    counts = ", ".join(
        f"{kind}: {c.get('created', 0)} created, {c.get('updated', 0)} updated"
        for kind, c in sorted(result.counts.items())
    )
    audit.record(
        instance,
        summary=f"registry import of {name}: {result.rows} rows — {counts}",
        data={"operation": "import", "rows": result.rows, "counts": result.counts},
        actor=user,
    )
