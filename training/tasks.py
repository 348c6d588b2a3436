"""Celery tasks of the training app."""

from datetime import date

from celery import shared_task

from . import services


@shared_task(name="training.tasks.training_reminders_task", ignore_result=True)
def training_reminders_task(day: str | None = None) -> int:
    """Weekly (beat, Mondays 08:00): R-TRN-1 reminders to secretaries behind, from the
    policy's start date (1 October). Safe to run any number of times: one reminder per
    person and ISO week. ``day`` (ISO date) replaces today, for re-runs and tests."""
    return services.training_reminders_send(today=date.fromisoformat(day) if day else None)
