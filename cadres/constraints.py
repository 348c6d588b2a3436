"""A database constraint for 'at most one holder of a role per village on any day'.

On PostgreSQL it is an exclusion constraint over ``daterange(start_date, end_date, '[]')``
(needs btree_gist), so it holds under concurrent writes. SQLite, the embedded development
database, serialises writers and has no exclusion constraints: there the same rule is enforced
by ``validate()``, which every service calls through ``full_clean()``.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q


class OneHolderPerDayConstraint(models.BaseConstraint):
    def __init__(self, *, name, role, violation_error_message=None):
        super().__init__(name=name, violation_error_message=violation_error_message)
        self.role = role

    def _exclude_sql(self, schema_editor):
        return (
            "EXCLUDE USING gist (village_id WITH =, "
            "daterange(start_date, end_date, '[]') WITH &&) "
            f"WHERE (role = {schema_editor.quote_value(str(self.role))})"
        )

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return (
            f"CONSTRAINT {schema_editor.quote_name(self.name)} {self._exclude_sql(schema_editor)}"
        )

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return (
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ADD {self.constraint_sql(model, schema_editor)}"
        )

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return (
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"DROP CONSTRAINT IF EXISTS {schema_editor.quote_name(self.name)}"
        )

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if instance.role != self.role or instance.start_date is None:
            return
        if exclude and {"village", "role", "start_date", "end_date"} & set(exclude):
            return
        others = model._default_manager.using(using).filter(
            village_id=instance.village_id, role=self.role
        )
        if not instance._state.adding and instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=instance.start_date))
        if instance.end_date is not None:
            others = others.filter(start_date__lte=instance.end_date)
        if others.exists():
            raise ValidationError(self.get_violation_error_message(), code="overlap")

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["role"] = self.role
        return path, args, kwargs

    def __eq__(self, other):
        if isinstance(other, OneHolderPerDayConstraint):
            return (
                self.name == other.name
                and self.role == other.role
                and self.violation_error_message == other.violation_error_message
            )
        return super().__eq__(other)
