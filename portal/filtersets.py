import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .params import MAX_YEAR, MIN_YEAR
from .scope import scope_queryset


def scoped(model):
    """A queryset callable for a filter's choices: only rows in the user's scope."""

    def queryset(request):
        return scope_queryset(request.user, model) if request else model.objects.none()

    return queryset


class SearchFilterSet(django_filters.FilterSet):
    """A filter set with a free-text ``q`` over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        """A generated filter's label is the field's lazy verbose name, so it follows each
        request's language: django-filter computes the label once, as a plain string, and
        whoever reads it first (a schema built in English) fixed "Gender" for everyone
        (issue 10)."""
        generated = super().filter_for_field(field, field_name, lookup_expr)
        if generated.label is None and getattr(field, "verbose_name", None):
            generated.label = field.verbose_name
        return generated

    def search(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{field: value})
        return queryset.filter(condition)


class CodeOrNameFilter(django_filters.CharFilter):
    """A village or branch typed by its code or part of its name: a select of every village
    of a district (twenty thousand of them) would not fit a page, nor a phone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Code or part of the name"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        from django.db.models import Q

        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(**{f"{self.field_name}__code__iexact": value})
            | Q(**{f"{self.field_name}__name__icontains": value})
        )


class YearFilter(django_filters.NumberFilter):
    """``?year=``: a whole year 1900–2999 (issue 9 item 6); ``0`` or twenty digits leave the
    filter set invalid (the page answers 400) instead of reaching a ``__year`` lookup, whose
    ``date(0, 1, 1)`` was a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)


class MonthFilter(django_filters.DateFilter):
    """``?month=YYYY-MM`` (or a day of it): anything else leaves the filter set invalid
    (400); the month's first day is matched."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value and not MIN_YEAR <= value.year <= MAX_YEAR:
            return qs.none()
        return super().filter(qs, value.replace(day=1) if value else value)


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter's select whose empty choice reads "all" (全部), not "unknown" (未知):
    leaving it alone filters nothing (issue 10)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("all")), ("true", _("yes")), ("false", _("no"))]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter of the portal's pages: all, yes or no (issue 10)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AllYesNoSelect)
        super().__init__(*args, **kwargs)
