"""Writing a clean plan: ``bulk_update`` then ``bulk_create`` per kind, in batches, all inside
ONE ``transaction.atomic()``. Any error, an IntegrityError from the database included, rolls
everything back. A dry run writes the same way and then rolls back, so it also meets the
database's own constraints.

Per kind, changed rows are updated before new rows are inserted: a file that ends a
secretary's tenure and records the successor must close the old tenure before the
database's exclusion constraint sees the new one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .columns import KINDS
from .report import ImportResult
from .validator import Plan, _chunks

__all__ = ["BATCH_SIZE", "write"]

BATCH_SIZE = 500


class _DryRun(Exception):
    """Raised inside the transaction of a dry run to roll it back."""


def _stamp_updated(model, instances) -> bool:
    if not any(f.name == "updated_at" for f in model._meta.concrete_fields):
        return False
    now = timezone.now()
    for instance in instances:
        instance.updated_at = now
    return True


def write(
    plan: Plan,
    result: ImportResult,
    *,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    progress = progress or (lambda phase, done, total: None)
    total = plan.writes
    done = 0
    progress("writing", 0, total)
    try:
        with transaction.atomic():
            for kind in KINDS:
                rows = plan.of(kind)
                if not rows:
                    continue
                manager = kind.model._default_manager
                updated = [r for r in rows if r.existing and r.changed]
                created = [r for r in rows if not r.existing]
                result.count(kind.key, "created", len(created))
                result.count(kind.key, "updated", len(updated))
                result.count(kind.key, "unchanged", len(rows) - len(created) - len(updated))
                fields = sorted({name for r in updated for name in r.changed})
                # bulk_update skips auto_now: set updated_at so payroll corrections see the
                # change (subsidies.compute looks for rows changed after a lock).
                stamped = _stamp_updated(kind.model, [r.instance for r in updated])
                if stamped:
                    fields.append("updated_at")
                for batch in _chunks(updated, BATCH_SIZE):
                    manager.bulk_update([r.instance for r in batch], fields)
                    done += len(batch)
                    progress("writing", done, total)
                for batch in _chunks(created, BATCH_SIZE):
                    manager.bulk_create([r.instance for r in batch])
                    done += len(batch)
                    progress("writing", done, total)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
