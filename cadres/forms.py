from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, ScopedModelForm

from .choices import EndReason
from .models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = [
            "village",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "education",
            "phone",
            "email",
            "bank_name",
            "bank_account",
            "died_on",
        ]
        widgets = {"birth_date": DateInput(), "died_on": DateInput()}


class PostForm(ScopedModelForm):
    class Meta:
        model = Post
        fields = ["person", "village", "branch", "role", "start_date", "end_date", "end_reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class PostEndForm(forms.Form):
    end_date = forms.DateField(label=_("end date"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("end reason"), choices=EndReason.choices)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)


class AppraisalForm(ScopedModelForm):
    class Meta:
        model = PerformanceAppraisal
        fields = ["person", "period_start", "period_end", "grade"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}


class AssessmentForm(ScopedModelForm):
    class Meta:
        model = AnnualAssessment
        fields = ["person", "year", "score", "grade"]


class HealthCheckForm(ScopedModelForm):
    class Meta:
        model = HealthCheck
        fields = ["person", "checked_on", "note"]
        widgets = {"checked_on": DateInput()}
