import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filtersets import CodeOrNameFilter, SearchFilterSet, YesNoFilter, scoped

from .choices import BranchKind, MemberStage, Mobility
from .models import Branch, PartyMember, Township, Village


class VillageFilterSet(SearchFilterSet):
    search_fields = ("name__icontains", "code__istartswith")
    township = django_filters.ModelChoiceFilter(label=_("township"), queryset=scoped(Township))

    class Meta:
        model = Village
        fields = ["q", "township"]


class BranchFilterSet(SearchFilterSet):
    search_fields = ("name__icontains", "code__istartswith")
    township = django_filters.ModelChoiceFilter(label=_("township"), queryset=scoped(Township))
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=BranchKind.choices)
    five_good = YesNoFilter(label=_("five-good branch"))
    weak_lax = YesNoFilter(label=_("weak or lax"))

    class Meta:
        model = Branch
        fields = ["q", "township", "kind", "five_good", "weak_lax"]


class PartyMemberFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name (its first characters), ID number or phone"),
    )

    def search(self, queryset, name, value):
        from cadres.selectors import person_search

        return queryset.filter(person_search(value, "person__")) if value.strip() else queryset

    branch = CodeOrNameFilter(label=_("branch"), field_name="branch")
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=MemberStage.choices)
    mobility = django_filters.ChoiceFilter(label=_("mobility"), choices=Mobility.choices)

    class Meta:
        model = PartyMember
        fields = ["q", "branch", "stage", "mobility"]
