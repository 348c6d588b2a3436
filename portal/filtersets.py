import django_filters
from django.utils.translation import gettext_lazy as _

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
