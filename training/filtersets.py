import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from portal.filtersets import CodeOrNameFilter, SearchFilterSet, YearFilter, scoped

from .choices import CourseLevel, EntryStatus, TrainingKind
from .models import Course, SelfLoggedTraining


class SelfLoggedTrainingFilterSet(SearchFilterSet):
    search_fields = ("person__name__icontains", "provider__icontains")
    status = django_filters.ChoiceFilter(label=_("status"), choices=EntryStatus.choices)
    village = CodeOrNameFilter(label=_("village"), field_name="person__village")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=TrainingKind.choices)
    year = YearFilter(label=_("year"), field_name="date")

    class Meta:
        model = SelfLoggedTraining
        fields = ["q", "status", "village", "kind", "year"]


class CourseFilterSet(SearchFilterSet):
    search_fields = ("title__icontains", "location__icontains")
    year = YearFilter(label=_("year"), field_name="start_date")
    level = django_filters.ChoiceFilter(label=_("organiser level"), choices=CourseLevel.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=TrainingKind.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("organising township"), queryset=scoped(Township)
    )

    class Meta:
        model = Course
        fields = ["q", "year", "level", "kind", "township"]
