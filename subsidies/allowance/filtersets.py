import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from portal.filtersets import SearchFilterSet, scoped

from .choices import ApplicationStatus, GrantStatus, GrantTier
from .models import AllowanceApplication, AllowanceGrant


class AllowanceApplicationFilterSet(SearchFilterSet):
    search_fields = ("person__name__icontains", "person__id_number")
    status = django_filters.ChoiceFilter(label=_("status"), choices=ApplicationStatus.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("township"), field_name="village__township", queryset=scoped(Township)
    )

    class Meta:
        model = AllowanceApplication
        fields = ["q", "status", "township"]


class AllowanceGrantFilterSet(SearchFilterSet):
    """The allowance ledger's filters: township, status, tier (and a name or ID number)."""

    search_fields = ("person__name__icontains", "person__id_number")
    township = django_filters.ModelChoiceFilter(
        label=_("township"), field_name="person__village__township", queryset=scoped(Township)
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=GrantStatus.choices)
    tier = django_filters.ChoiceFilter(label=_("tier"), choices=GrantTier.choices)

    class Meta:
        model = AllowanceGrant
        fields = ["q", "township", "status", "tier"]
