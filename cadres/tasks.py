"""Celery tasks of the registry. Each takes ids, is safe to deliver twice and calls one
service."""

from celery import shared_task


@shared_task(name="cadres.tasks.import_registry_task")
def import_registry_task(job_id: int) -> str:
    """Import a large registry file (SPEC §2 "Bulk import"). Idempotent: a job already done,
    failed or running is not run again (``select_for_update`` on the job)."""
    from cadres.importer.jobs import import_job_run

    return import_job_run(job_id=job_id).status


@shared_task(name="cadres.tasks.health_check_due_task")
def health_check_due_task(day: str | None = None) -> int:
    """Celery beat, monthly (SPEC §6): tell each township's staff which secretaries' 2-yearly
    health checks are due or overdue (R-REG-2). One notification per staff member and month,
    however often it runs. Returns the number of notifications sent."""
    from datetime import date

    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from branches.models import Township
    from cadres.selectors import secretary_health_checks
    from portal.choices import Role
    from portal.models import User
    from portal.services import notification_send

    today = date.fromisoformat(day) if day else timezone.localdate()
    sent = 0
    staff_by_township: dict[int, list] = {}
    for user in User.objects.filter(role=Role.TOWNSHIP_STAFF, is_active=True):
        staff_by_township.setdefault(user.township_id, []).append(user)
    for township in Township.objects.filter(pk__in=list(staff_by_township)).order_by("code"):
        staff = staff_by_township[township.pk]
        rows = secretary_health_checks(user=staff[0], day=today)
        if not rows:
            continue
        overdue = sum(1 for r in rows if r.status.status == "overdue")
        names = "、".join(r.person.name for r in rows[:20])
        with translation.override(None):
            text = _(
                "Health checks (R-REG-2): %(due)s secretaries due, %(overdue)s overdue in "
                "%(township)s: %(names)s"
            ) % {
                "due": len(rows) - overdue,
                "overdue": overdue,
                "township": township.name,
                "names": names,
            }
        key = f"health-check:{today:%Y-%m}"
        for user in staff:
            if user.notifications.filter(key=key).exists():
                continue
            notification_send(recipient=user, text=text, url=reverse("home"), key=key)
            sent += 1
    return sent
