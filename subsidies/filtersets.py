import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Township
from portal.filtersets import CodeOrNameFilter, SearchFilterSet, YesNoFilter, scoped

from .choices import Component, LineKind, RunStatus
from .models import PaymentLine, PayrollRun


class PayrollRunFilterSet(django_filters.FilterSet):
    month = django_filters.DateFilter(
        label=_("month"),
        field_name="month",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    township = django_filters.ModelChoiceFilter(label=_("township"), queryset=scoped(Township))
    status = django_filters.ChoiceFilter(label=_("status"), choices=RunStatus.choices)

    class Meta:
        model = PayrollRun
        fields = ["month", "township", "status"]


class PaymentLineFilterSet(SearchFilterSet):
    search_fields = ("account_name__icontains", "person__id_number")
    village = CodeOrNameFilter(label=_("village"), field_name="village")
    component = django_filters.ChoiceFilter(label=_("component"), choices=Component.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LineKind.choices)
    held = YesNoFilter(label=_("held"))

    class Meta:
        model = PaymentLine
        fields = ["q", "village", "component", "kind", "held"]
