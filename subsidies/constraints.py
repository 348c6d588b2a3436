"""R-PAY-3 in the database: one pay per person, component and *day* across runs.

On PostgreSQL an exclusion constraint over ``daterange(covers_from, covers_to, '[]')`` of the
regular basic and performance lines (needs btree_gist, created by the cadres migrations) holds
under concurrent computes of two townships. SQLite, the embedded development database, has no
exclusion constraints: there the constraint is left out of the schema and
``subsidies.services.run_compute`` checks the same inside its transaction (SQLite serialises
writers, so the check after the write sees every other committed run). The pattern is the one
of ``cadres.constraints.OneHolderPerDayConstraint``.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class DateRange(Func):
    """``daterange(start, end, bounds)`` (PostgreSQL)."""

    function = "DATERANGE"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An :class:`ExclusionConstraint` on PostgreSQL, nothing on other databases."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor != "postgresql":
            return  # the service checks it (see the module's docstring)
        super().validate(model, instance, exclude=exclude, using=using)
