"""The models' own rules, applied to tens of thousands of unsaved rows without a query each.

``Model.full_clean()`` would run one query per row for every check constraint
(``Q.check()``), for every foreign key and for every unique field. Here the same rules are
applied in memory:

- field validators through ``clean_fields()`` (foreign keys excluded: the importer resolves
  them from a few bulk queries) and the model's ``clean()``;
- each named ``CheckConstraint``'s own ``condition``, evaluated in Python with SQL's
  three-valued logic (a NULL comparison passes, as ``Q.check()`` does with ``COALESCE``), and
  its own ``violation_error_message``;
- any other constraint except the unique ones (which the importer's natural keys stand for)
  and ``OneHolderPerDayConstraint`` (checked over the whole file by the validator) falls
  back to the constraint's own ``validate()``.

A condition using a lookup this evaluator does not know also falls back to ``validate()``,
so a new constraint is never skipped, only slower.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP

from cadres.constraints import OneHolderPerDayConstraint

__all__ = ["Unsupported", "condition_fields", "model_errors", "q_holds"]


class Unsupported(Exception):
    """A condition this evaluator cannot decide in Python."""


_COMPARE = {
    "exact": operator.eq,
    "iexact": lambda a, b: str(a).casefold() == str(b).casefold(),
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _value(model, instance, name):
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - whatever the lookup raises, the name is unsupported
        raise Unsupported(name)
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise Unsupported(name)
    return getattr(instance, field.attname)


def _leaf(model, instance, lookup: str, right) -> bool | None:
    parts = lookup.split(LOOKUP_SEP)
    name, operation = (parts[0], "exact") if len(parts) == 1 else (parts[0], parts[1])
    if len(parts) > 2:
        raise Unsupported(lookup)
    left = _value(model, instance, name)
    if operation == "isnull":
        return (left is None) == bool(right)
    if isinstance(right, F):
        right = _value(model, instance, right.name)
    elif hasattr(right, "resolve_expression"):
        raise Unsupported(lookup)
    if operation == "exact" and right is None:
        return left is None
    if operation == "in":
        if left is None:
            return None
        return left in list(right)
    compare = _COMPARE.get(operation)
    if compare is None:
        raise Unsupported(lookup)
    if left is None or right is None:
        return None  # SQL: a comparison with NULL is unknown
    return compare(left, right)


def _evaluate(model, instance, node) -> bool | None:
    if isinstance(node, Q):
        results = [_evaluate(model, instance, child) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else (None if None in results else True)
        elif node.connector == Q.OR:
            result = True if True in results else (None if None in results else False)
        else:
            raise Unsupported(node.connector)
        if node.negated and result is not None:
            result = not result
        return result
    if isinstance(node, tuple) and len(node) == 2:
        return _leaf(model, instance, *node)
    raise Unsupported(repr(node))


def q_holds(model: type[models.Model], condition: Q, instance: models.Model) -> bool:
    """Whether a check constraint's condition holds for an unsaved instance (unknown counts
    as holding, like a database CHECK). Raises :class:`Unsupported`."""
    return _evaluate(model, instance, condition) is not False


def condition_fields(condition: Q) -> Iterator[str]:
    """The field names a condition refers to, in order (for naming the column of an error)."""
    for child in condition.children:
        if isinstance(child, Q):
            yield from condition_fields(child)
        elif isinstance(child, tuple):
            yield child[0].split(LOOKUP_SEP)[0]
            if isinstance(child[1], F):
                yield child[1].name


def _skipped(constraint) -> bool:
    return isinstance(constraint, models.UniqueConstraint | OneHolderPerDayConstraint)


def model_errors(
    instance: models.Model, *, exclude: set[str]
) -> list[tuple[str | None, list[str]]]:
    """Every error of the instance as (field name or None, messages): field validators, the
    model's ``clean()``, then the check constraints (only when the fields are clean)."""
    model = type(instance)
    errors: list[tuple[str | None, list[str]]] = []

    def collect(exc: ValidationError):
        if hasattr(exc, "error_dict"):
            for name, field_errors in exc.error_dict.items():
                messages = [m for e in field_errors for m in e.messages]
                errors.append((None if name == "__all__" else name, messages))
        else:
            errors.append((None, exc.messages))

    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        collect(exc)
        return errors  # constraints on unclean values would only repeat them
    try:
        instance.clean()
    except ValidationError as exc:
        collect(exc)
    for constraint in model._meta.constraints:
        if _skipped(constraint):
            continue
        try:
            if isinstance(constraint, models.CheckConstraint):
                if exclude & set(condition_fields(constraint.condition)):
                    continue  # as Django does: a rule on a field left out is not checked
                try:
                    holds = q_holds(model, constraint.condition, instance)
                except Unsupported:
                    constraint.validate(model, instance, exclude=exclude)
                    continue
                if not holds:
                    field = next(iter(condition_fields(constraint.condition)), None)
                    errors.append((field, [str(constraint.get_violation_error_message())]))
            else:
                constraint.validate(model, instance, exclude=exclude)
        except ValidationError as exc:
            collect(exc)
    return errors
