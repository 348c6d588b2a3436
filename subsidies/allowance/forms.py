"""Forms of the living allowance pages: the declaration (with its tenures and referees as
formsets that work without JavaScript), the reviewers' opinion and the step forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Village
from cadres.choices import EndReason
from portal.choices import Role
from portal.forms import DateInput
from portal.models import User
from portal.scope import scope_queryset
from portal.validators import no_formula, validate_bank_account
from subsidies.forms import MonthField

SCAN_ACCEPT = "application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": SCAN_ACCEPT, "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DeclarationForm(forms.Form):
    """The former secretary's personal data and the declaration (R-ALW-4 step 1)."""

    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none())
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    bank_name = forms.CharField(
        label=_("bank"), max_length=100, required=False, validators=[no_formula]
    )
    bank_account = forms.CharField(
        label=_("bank account"),
        max_length=40,
        required=False,
        validators=[validate_bank_account],
        help_text=_(
            "Kept with the declaration: township staff confirm it when they approve; the "
            "registry is not changed by the declaration."
        ),
    )
    declared_on = forms.DateField(label=_("declared on"), widget=DateInput())
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scans = MultipleFileField(
        label=_("scanned documents (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("The declaration form, ID card and appointment records; several files."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("declared_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        villages = scope_queryset(user, Village).order_by("code")
        self.fields["village"].queryset = villages
        if villages.count() == 1:
            self.fields["village"].initial = villages.first()


class TenureForm(forms.Form):
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False
    )
    start_month = MonthField(label=_("first month"), required=False)
    end_month = MonthField(label=_("last month"), required=False)
    end_reason = forms.ChoiceField(
        label=_("end reason"), choices=[("", "—"), *EndReason.choices], required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["village"].queryset = scope_queryset(user, Village).order_by("code")


class RefereeForm(forms.Form):
    name = forms.CharField(label=_("referee"), max_length=50, required=False)
    relation = forms.CharField(label=_("relation"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)


TenureFormSet = forms.formset_factory(TenureForm, extra=3, max_num=20)
RefereeFormSet = forms.formset_factory(RefereeForm, extra=2, max_num=10)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveForm(CommentForm):
    """The decision with the account it pays (issue 9)."""

    payee = forms.ChoiceField(
        label=_("the allowance pays"),
        choices=[("registry", _("the registry's account")), ("filed", _("the account as filed"))],
        required=False,
        widget=forms.RadioSelect,
    )
    update_registry = forms.BooleanField(
        label=_("also enter the account as filed into the registry"), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class InvestigatorForm(CommentForm):
    investigator = forms.ModelChoiceField(label=_("investigator"), queryset=User.objects.none())

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["investigator"].queryset = User.objects.filter(
                role=Role.TOWNSHIP_STAFF,
                township_id=application.village.township_id,
                is_active=True,
            ).order_by("username")


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 5}))


class AcknowledgeForm(CommentForm):
    pass
