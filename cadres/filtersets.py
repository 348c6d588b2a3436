import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from portal.filtersets import CodeOrNameFilter, SearchFilterSet, YesNoFilter, scoped

from .choices import PostRole
from .models import Person, Post
from .selectors import one_shoulder_person_ids, person_search, posts_on


class PersonFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name (its first characters), ID number or phone"),
    )
    township = django_filters.ModelChoiceFilter(
        label=_("township"), field_name="village__township", queryset=scoped(Township)
    )
    village = CodeOrNameFilter(label=_("village"), field_name="village")
    role = django_filters.ChoiceFilter(
        label=_("current post"), choices=PostRole.choices, method="filter_role"
    )
    one_shoulder = YesNoFilter(label=_("one shoulder"), method="filter_one_shoulder")
    alive = YesNoFilter(label=_("alive"), method="filter_alive")

    class Meta:
        model = Person
        fields = [
            "q",
            "township",
            "village",
            "role",
            "one_shoulder",
            "alive",
            "gender",
            "education",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(person_search(value)) if value.strip() else queryset

    def filter_role(self, queryset, name, value):
        today = timezone.localdate()
        holders = Post.objects.filter(posts_on(today), role=value).values("person_id")
        return queryset.filter(pk__in=holders)

    def filter_one_shoulder(self, queryset, name, value):
        ids = one_shoulder_person_ids(day=timezone.localdate())
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_alive(self, queryset, name, value):
        alive = Q(died_on__isnull=True)
        return queryset.filter(alive) if value else queryset.exclude(alive)
