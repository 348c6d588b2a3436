"""The payroll writer's COPY columns are the line rows' fields (a field added to LineRow must
reach the database on PostgreSQL as on SQLite)."""

from subsidies.compute import COPY_FIELDS, ROW_FIELDS


def test_copy_writes_every_field_of_a_line_row_in_order():
    assert COPY_FIELDS == ROW_FIELDS
