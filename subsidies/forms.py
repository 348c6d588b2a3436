from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, ScopedModelForm

from .models import PerformanceStandard, Policy


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month input); the first of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class PolicyForm(ScopedModelForm):
    valid_from = MonthField(label=_("valid from"))

    class Meta:
        model = Policy
        exclude = ["district", "created_by", "created_at"]
        widgets = {"allowance_cutoff": DateInput(), "allowance_payable_from": DateInput()}


class StandardForm(ScopedModelForm):
    valid_from = MonthField(label=_("valid from"))

    class Meta:
        model = PerformanceStandard
        fields = ["township", "valid_from", "amount"]


class RuralIncomeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("average yearly income"), max_digits=12, decimal_places=2, min_value=0
    )

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)


class ComputeMonthForm(forms.Form):
    month = MonthField(label=_("month"))


class ApproveForm(forms.Form):
    acknowledge = forms.BooleanField(
        label=_("I have reviewed the integrity warnings"), required=False
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
