"""The audit trail's search page (issue 6): district admins search who created, changed or
deleted what, the exports and the payroll-run transitions of their district."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import django_filters
from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from branches.models import Township

from .audit import SEARCHABLE
from .choices import Role
from .filtersets import scoped
from .models import AuditEntry
from .views import PAGE_SIZES, StrictFilterMixin


def may_search_audit(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.DISTRICT_ADMIN)
    )


def audit_entries(*, user):
    """The entries a user may search: a district admin's district, everything for a
    superuser, nothing for anyone else."""
    entries = AuditEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp", "-pk"
    )
    if user.is_superuser:
        return entries
    if may_search_audit(user):
        return entries.filter(district_pk=user.district_id)
    return entries.none()


def _model_choices():
    choices = []
    for label in SEARCHABLE:
        model = apps.get_model(label)
        choices.append(
            (label, f"{model._meta.app_config.verbose_name} · {model._meta.verbose_name}")
        )
    return choices


class AuditEntryFilterSet(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(label=_("Record type"), method="by_model")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEntry.Action.choices)
    user = django_filters.CharFilter(label=_("User"), method="by_user")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=scoped(Township), method="by_township"
    )
    since = django_filters.DateFilter(
        label=_("From"), field_name="timestamp", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="timestamp", lookup_expr="date__lte"
    )
    q = django_filters.CharFilter(label=_("Record or change contains"), method="search")

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["model"].extra["choices"] = _model_choices()
        for name in ("since", "until"):
            self.filters[name].extra["widget"] = _date_widget()

    def by_model(self, queryset, name, value):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def by_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor__username__icontains=value)
            | Q(actor__first_name__icontains=value)
            | Q(actor__last_name__icontains=value)
        )

    def by_township(self, queryset, name, value):
        return queryset.filter(township_pk=value.pk)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(object_repr__icontains=value) | Q(changes_text__icontains=value))


def _date_widget():
    from .forms import DateInput

    return DateInput()


def change_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) of an entry, with the fields' names and values in words; a
    many-to-many change as (field, removed, added)."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes or {}).items():
        label, field = name, None
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = model._meta.get_field(name)
                label = str(getattr(field, "verbose_name", name))
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            objects = ", ".join(values.get("objects", []))
            before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
        else:
            before, after = (list(values) + ["", ""])[:2]
            before, after = shown_value(field, before), shown_value(field, after)
        rows.append((label, _shown(before), _shown(after)))
    return rows


def shown_value(field, value) -> str:
    """A logged value as the pages show it (issue 10): a choice by its label in the user's
    language (``draft`` → 草稿, ``district_admin`` → 区委组织部管理员), a yes/no as 是/否, a
    moment in Asia/Shanghai to the second. auditlog logs a moment as naive UTC with
    microseconds (``2026-12-02 05:58:06.565534``); text that is not a moment stays as it is."""
    value = _shown(value)
    if field is None or not value:
        return value
    choices = {str(key): label for key, label in getattr(field, "flatchoices", None) or ()}
    if value in choices:
        return str(choices[value])
    if isinstance(field, models.BooleanField) and value in ("True", "False"):
        return str(_("yes") if value == "True" else _("no"))
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    return value


def _shown(value) -> str:
    return "" if value in (None, "None") else str(value)


class AuditLogView(StrictFilterMixin, LoginRequiredMixin, FilterView):
    """Search the audit trail: record type, action, user, township, dates, text. Newest
    first, paginated; the query count does not depend on the page size."""

    filterset_class = AuditEntryFilterSet
    template_name = "portal/audit_list.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_search_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return audit_entries(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_sizes"] = PAGE_SIZES
        context["rows"] = [(entry, change_rows(entry)) for entry in context["object_list"]]
        return context
