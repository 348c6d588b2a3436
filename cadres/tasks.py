"""Celery tasks of the registry. Each takes ids, is safe to deliver twice and calls one
service."""

from celery import shared_task


@shared_task(name="cadres.tasks.import_registry_task")
def import_registry_task(job_id: int) -> str:
    """Import a large registry file (SPEC §2 "Bulk import"). Idempotent: a job already done,
    failed or running is not run again (``select_for_update`` on the job)."""
    from cadres.importer.jobs import import_job_run

    return import_job_run(job_id=job_id).status
