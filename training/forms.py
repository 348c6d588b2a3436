from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, ScopedModelForm

from .choices import TrainingKind
from .models import Course, TrainingPolicy
from .rules import MAX_HOURS_PER_DAY

EVIDENCE_ACCEPT = "application/pdf,image/jpeg,image/png"


class SelfLoggedTrainingForm(forms.Form):
    """The secretary's short log form; the person is never a field (it is the user's)."""

    date = forms.DateField(label=_("date"), widget=DateInput())
    provider = forms.CharField(label=_("provider"), max_length=200)
    kind = forms.ChoiceField(
        label=_("kind"), choices=TrainingKind.choices, initial=TrainingKind.CENTRALISED
    )
    hours = forms.DecimalField(
        label=_("hours"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.5"),
        max_value=MAX_HOURS_PER_DAY,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    evidence = forms.FileField(
        label=_("evidence (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT, "capture": True}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        self.fields["date"].initial = today


class CourseForm(ScopedModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "level",
            "township",
            "kind",
            "start_date",
            "end_date",
            "hours",
            "budget",
            "location",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.role == "township_staff":
            # township staff organise courses of their own township only
            del self.fields["level"]
            del self.fields["township"]
        else:
            self.fields["township"].queryset = self.fields["township"].queryset.order_by("code")
            self.fields["township"].required = False


class AttendanceListForm(forms.Form):
    lines = forms.CharField(
        label=_("attendees"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "110101197506150011, 8"}),
        help_text=_(
            "One attendee a line: ID number, then optionally the name and the hours "
            "(separated by commas, tabs or spaces; pasted Excel columns work). Without hours "
            "the course's hours are recorded."
        ),
    )
    verified = forms.BooleanField(label=_("verified"), required=False, initial=True)


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX file"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("Columns 身份证号 (ID number), 姓名 (name), 学时 (hours)."),
    )


class TrainingPolicyForm(forms.ModelForm):
    class Meta:
        model = TrainingPolicy
        fields = [
            "year",
            "hours_per_day",
            "required_days",
            "budget_per_secretary",
            "reminder_month",
            "reminder_day",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
