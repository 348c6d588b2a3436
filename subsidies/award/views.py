"""Annual award pages (R-PAY-4): the lists in scope, preparing a year's list, a list with
its ranking, the people tied at the cut (township staff choose among them) and the steps of
each role. No business logic: the services decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from branches.models import Township
from portal.choices import Role
from portal.confirm import Summary, confirm_or_render
from portal.scope import CHANGE, scope_queryset
from portal.services import is_filer
from portal.views import ScopedListView
from subsidies.choices import AwardStatus
from subsidies.models import AwardList

from . import selectors, services


class PrepareForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    township = forms.ModelChoiceField(
        label=gettext_lazy("township"), queryset=Township.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = scope_queryset(user, Township).order_by("code")


def may_prepare(user) -> bool:
    return user.is_superuser or user.role == Role.TOWNSHIP_STAFF


def actions_for(user, award_list: AwardList) -> list[str]:
    """The steps this user may offer on this list (the services check again)."""
    if not scope_queryset(user, AwardList, CHANGE).filter(pk=award_list.pk).exists():
        return []
    role = "superuser" if user.is_superuser else user.role
    status = award_list.status
    out = []
    if role in (Role.TOWNSHIP_STAFF, "superuser") and status in services.EDITABLE:
        out += ["prepare", "choose", "submit"]
    # whoever prepared the list does not approve, return or record it (issue 9 item 7)
    filer = status not in services.EDITABLE and is_filer(user, award_list)
    if role in (Role.DISTRICT_ADMIN, "superuser") and status == AwardStatus.SUBMITTED and not filer:
        out += ["approve", "return"]
    if role in (Role.FINANCE, "superuser") and status == AwardStatus.APPROVED and not filer:
        out.append("record")
    return out


class AwardListListView(ScopedListView):
    model = AwardList
    template_name = "subsidies/award/award_list.html"
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return selectors.award_list_list(user=self.request.user).order_by("-year", "township__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            may_prepare=may_prepare(user),
            prepare_form=PrepareForm(user=user, initial={"year": timezone.localdate().year - 1}),
        )
        return context


class AwardPrepareView(LoginRequiredMixin, View):
    def post(self, request):
        if not may_prepare(request.user):
            raise PermissionDenied
        form = PrepareForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose a year."))
            return redirect("awards:award-list")
        township = form.cleaned_data["township"] or request.user.township
        if township is None:
            messages.error(request, _("Choose a township."))
            return redirect("awards:award-list")
        try:
            award_list = services.award_list_prepare(
                user=request.user, township=township, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("awards:award-list")
        messages.success(request, _("The ranking is prepared."))
        return redirect(award_list.get_absolute_url())


class AwardDetailView(LoginRequiredMixin, View):
    template_name = "subsidies/award/award_detail.html"

    def get(self, request, pk):
        award_list = get_object_or_404(selectors.award_list_list(user=request.user), pk=pk)
        ranking = selectors.ranking(award_list)
        found = None
        if award_list.status in services.EDITABLE:
            found = selectors.candidates(award_list.township_id, award_list.year)
        context = {
            "award_list": award_list,
            "entries": selectors.entries(award_list),
            "ranking": ranking,
            "tied": [e for e in selectors.entries(award_list) if e.tied],
            "missing": sorted(selectors.names(found.missing).values()) if found else [],
            "actions": actions_for(request.user, award_list),
            "events": award_list.events.select_related("user"),
            "awarded": award_list.entries.filter(selected=True).count(),
        }
        return render(request, self.template_name, context)


AWARD_STEP_WORDS = {
    "approve": (
        gettext_lazy("Approve the award list"),
        gettext_lazy("The district approves the list: the next payroll run pays the awards."),
        gettext_lazy("Approve"),
    ),
    "return": (
        gettext_lazy("Return the award list"),
        gettext_lazy("The list goes back to the township to be prepared again."),
        gettext_lazy("Return to the township"),
    ),
    "record": (
        gettext_lazy("Record the award list"),
        gettext_lazy("Finance records the list as paid; it can no longer change."),
        gettext_lazy("Record"),
    ),
}


def award_summary(step: str, award_list: AwardList) -> Summary:
    title, consequence, button = AWARD_STEP_WORDS[step]
    return Summary(
        str(title),
        str(consequence),
        str(button),
        [
            (_("township"), award_list.township),
            (_("year"), award_list.year),
            (_("people awarded"), award_list.entries.filter(selected=True).count()),
        ],
    )


class AwardActionView(LoginRequiredMixin, View):
    """POST one step: prepare (again), choose, submit, approve, return, record. Approve,
    return and record ask first (issue 10): without ``confirm=yes`` nothing changes."""

    def post(self, request, pk, action):
        award_list = get_object_or_404(selectors.award_list_list(user=request.user), pk=pk)
        user = request.user
        # a step this user may not take now is not asked about: the service refuses it
        if action in AWARD_STEP_WORDS and action in actions_for(user, award_list):
            page = confirm_or_render(
                request,
                "award",
                action,
                lambda: award_summary(action, award_list),
                cancel_url=award_list.get_absolute_url(),
            )
            if page is not None:
                return page
        comment = request.POST.get("comment", "")
        try:
            if action == "prepare":
                services.award_list_prepare(
                    user=user, township=award_list.township, year=award_list.year
                )
                messages.success(request, _("The ranking is prepared again."))
            elif action == "choose":
                ids = [p for p in request.POST.getlist("person") if p.isdigit()]
                services.award_list_choose(user=user, award_list=award_list, person_ids=ids)
                messages.success(request, _("Your choice is saved."))
            elif action == "submit":
                services.award_list_submit(user=user, award_list=award_list, comment=comment)
                messages.success(request, _("Submitted to the district."))
            elif action == "approve":
                services.award_list_approve(user=user, award_list=award_list, comment=comment)
                messages.success(request, _("Approved: the next payroll run pays the awards."))
            elif action == "return":
                services.award_list_return(
                    user=user, award_list=award_list, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Returned to the township."))
            elif action == "record":
                services.award_list_record(user=user, award_list=award_list, comment=comment)
                messages.success(request, _("Recorded."))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Your role may not take this step."))
        return redirect(award_list.get_absolute_url())
