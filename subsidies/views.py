"""Payroll pages: runs per month and township, a run with its lines, derivations, held lines,
integrity checks and the actions of each role; progress while computing; pay slips; policy,
performance standards and the floor report (SPEC §3)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from branches.models import District, Township
from cadres.models import Person
from portal.choices import Role
from portal.confirm import Summary, confirm_or_render
from portal.pagination import CappedPaginator
from portal.params import query_page, query_page_size, valid_filterset
from portal.scope import CHANGE, VIEW, may, scope_queryset
from portal.views import PAGE_SIZES, ScopedListView, ServiceFormView

from . import selectors, services, tasks
from .choices import RunStatus
from .derivations import render as render_derivation
from .filtersets import PaymentLineFilterSet, PayrollRunFilterSet
from .forms import (
    ApproveForm,
    CommentForm,
    ComputeMonthForm,
    PolicyForm,
    RuralIncomeForm,
    StandardForm,
)
from .models import PayrollRun, PerformanceStandard, Policy, RuralIncome

ISSUE_WORDS = {
    "shared_account": gettext_lazy("One bank account is used by more than one person"),
    "paid_after_death": gettext_lazy("Payment after the date of death"),
    "secretary_of_two_villages": gettext_lazy("Secretary of two villages at once"),
    "no_bank_account": gettext_lazy("No bank account"),
}


def _actions(user, run: PayrollRun) -> list[str]:
    """The transitions this user may offer on this run (the services check again)."""
    if not scope_queryset(user, PayrollRun, CHANGE).filter(pk=run.pk).exists():
        return []
    role = "superuser" if user.is_superuser else user.role
    out = []
    if role in (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN, "superuser"):
        if run.is_open:
            out.append("compute")
        if run.status == RunStatus.COMPUTED:
            out.append("approve")
        if run.status == RunStatus.APPROVED:
            out.append("reopen")
    if role in (Role.FINANCE, "superuser"):
        if run.status == RunStatus.APPROVED:
            out.append("lock")
        if run.status == RunStatus.LOCKED:
            out.append("disburse")
    return out


class RunListView(ScopedListView):
    model = PayrollRun
    filterset_class = PayrollRunFilterSet
    template_name = "subsidies/run_list.html"

    def get_queryset(self):
        return selectors.run_list(user=self.request.user).order_by("-month", "township__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["compute_form"] = ComputeMonthForm(initial={"month": timezone.localdate()})
        context["may_compute"] = may(self.request.user, CHANGE, PayrollRun) and (
            self.request.user.is_superuser
            or self.request.user.role in (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN)
        )
        return context


class RunViewerMixin(LoginRequiredMixin):
    """Pages of runs: roles that may not see runs at all get 403 (not an empty page)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, VIEW, PayrollRun):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RunDetailView(RunViewerMixin, View):
    template_name = "subsidies/run_detail.html"

    def get(self, request, pk):
        run = get_object_or_404(
            selectors.run_list(user=request.user).select_related(
                "computed_by", "approved_by", "locked_by", "disbursed_by"
            ),
            pk=pk,
        )
        lines = selectors.line_list(user=request.user, run=run).order_by(
            "village__code", "account_name", "person_id", "component", "pays_for"
        )
        filterset = valid_filterset(  # a bad filter value is a 400 (issue 9)
            PaymentLineFilterSet(request.GET, queryset=lines, request=request)
        )
        per_page = query_page_size(request, PAGE_SIZES, 50)
        page = CappedPaginator(filterset.qs, per_page).get_page(query_page(request))
        for line in page.object_list:
            line.words = render_derivation(line.derivation)
        issues = selectors.run_integrity(run) if run.status != RunStatus.DRAFT else []
        names = dict(
            Person.objects.filter(
                pk__in={pk for issue in issues for pk in issue.person_ids}
            ).values_list("pk", "name")
        )
        context = {
            "run": run,
            "breadcrumbs": [  # issue 10: the way back to the run's month
                (_("Payroll"), reverse("subsidies:run-list")),
                (run.month.strftime("%Y-%m"), reverse("subsidies:month", args=[run.month])),
                (run.township.name, None),
            ],
            "filter": filterset,
            "page_obj": page,
            "page_sizes": PAGE_SIZES,
            "progress": tasks.run_progress(run),
            "issues": [
                (ISSUE_WORDS[i.code], [names.get(p, p) for p in i.person_ids], i.detail)
                for i in issues
            ],
            "actions": _actions(request.user, run),
            "approve_form": ApproveForm(),
            "comment_form": CommentForm(),
            "events": run.events.select_related("user"),
            "held": selectors.line_list(user=request.user, run=run).filter(held=True)[:200],
        }
        return render(request, self.template_name, context)


class RunProgressView(RunViewerMixin, View):
    """JSON polled by the run page's progress bar while the run computes."""

    def get(self, request, pk):
        run = get_object_or_404(selectors.run_list(user=request.user), pk=pk)
        progress = tasks.run_progress(run)
        return JsonResponse(
            {
                "status": run.status,
                "done": progress["done"],
                "total": progress["total"],
                "running": bool(progress.get("running")),
                "error": run.error,
            }
        )


def _run_facts(run: PayrollRun) -> list[tuple[str, object]]:
    return [
        (_("township"), run.township),
        (_("month"), f"{run.month:%Y-%m}"),
        (_("lines"), run.line_count),
        (_("total"), run.total_amount),
    ]


RUN_STEP_WORDS = {
    "recompute": (
        gettext_lazy("Recompute the run"),
        gettext_lazy("Every line of this run is computed again; the current figures are replaced."),
        gettext_lazy("Recompute"),
    ),
    "approve": (
        gettext_lazy("Approve the run"),
        gettext_lazy("The township approves these figures; finance may then lock them."),
        gettext_lazy("Approve"),
    ),
    "reopen": (
        gettext_lazy("Reopen the run"),
        gettext_lazy("The approval is withdrawn and the run goes back for recomputation."),
        gettext_lazy("Reopen"),
    ),
    "lock": (
        gettext_lazy("Lock the ledger"),
        gettext_lazy(
            "The run is written to the ledger's hash chain: its lines can never be changed again."
        ),
        gettext_lazy("Lock the ledger"),
    ),
    "disburse": (
        gettext_lazy("Mark disbursed"),
        gettext_lazy("The run is recorded as paid out to the bank accounts of its lines."),
        gettext_lazy("Mark disbursed"),
    ),
}


def run_summary(step: str, run: PayrollRun) -> Summary:
    title, consequence, button = RUN_STEP_WORDS[step]
    return Summary(str(title), str(consequence), str(button), _run_facts(run))


class RunActionView(LoginRequiredMixin, View):
    """POST: compute, approve, reopen, lock or disburse a run. Recompute, approve, reopen,
    lock and disburse ask first (issue 10): without ``confirm=yes`` nothing changes."""

    def post(self, request, pk, action):
        run = get_object_or_404(selectors.run_list(user=request.user), pk=pk)
        step = "recompute" if action == "compute" and run.status == RunStatus.COMPUTED else action
        # a step this user may not take now is not asked about: the service refuses it
        if action in _actions(request.user, run):
            page = confirm_or_render(
                request,
                "payroll",
                step,
                lambda: run_summary(step, run),
                cancel_url=run.get_absolute_url(),
            )
            if page is not None:
                return page
        try:
            if action == "compute":
                if "compute" not in _actions(request.user, run):
                    raise PermissionDenied
                PayrollRun.objects.filter(pk=run.pk).update(error="")

                def enqueue():
                    tasks.mark_queued([run.pk])
                    tasks.compute_run_task.delay(run.pk, request.user.pk)

                transaction.on_commit(enqueue)
                messages.info(request, _("Computing: the page shows the progress."))
            elif action == "approve":
                form = ApproveForm(request.POST)
                form.is_valid()
                services.run_approve(
                    user=request.user,
                    run=run,
                    acknowledge=form.cleaned_data.get("acknowledge", False),
                    comment=form.cleaned_data.get("comment", ""),
                )
                messages.success(request, _("Approved."))
            elif action == "reopen":
                services.run_reopen(
                    user=request.user, run=run, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Reopened for recomputation."))
            elif action == "lock":
                services.run_lock(
                    user=request.user, run=run, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Locked."))
            elif action == "disburse":
                services.run_disburse(
                    user=request.user, run=run, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Marked disbursed."))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(run.get_absolute_url())


class ComputeMonthView(LoginRequiredMixin, View):
    """POST a month: the district admin computes every township (a chord fanning out per
    township); township staff compute their own township."""

    def post(self, request):
        user = request.user
        if not (user.is_superuser or user.role in (Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF)):
            raise PermissionDenied  # before the form: a refusal is a refusal, whatever was sent
        form = ComputeMonthForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a month."))
            return redirect("subsidies:run-list")
        month: date = form.cleaned_data["month"]
        if user.is_superuser or user.role == Role.DISTRICT_ADMIN:
            district = District.objects.get(pk=user.district_id) if user.district_id else None
            codes = None
        elif user.role == Role.TOWNSHIP_STAFF:
            district = user.township.district
            codes = [user.township.code]
        else:
            raise PermissionDenied
        if district is None:
            raise PermissionDenied
        # recomputing computed runs replaces their lines: ask first (issue 10)
        recomputed = PayrollRun.objects.filter(
            township__district=district, month=month.replace(day=1), status=RunStatus.COMPUTED
        ).select_related("township")
        if codes:
            recomputed = recomputed.filter(township__code__in=codes)
        recomputed = list(recomputed.order_by("township__code"))
        if recomputed:
            page = confirm_or_render(
                request,
                "payroll",
                "compute-month",
                lambda: Summary(
                    _("Compute the month"),
                    _("These computed runs are computed again; their figures are replaced."),
                    _("Recompute"),
                    [(_("month"), f"{month:%Y-%m}")]
                    + [
                        (
                            r.township,
                            _("%(lines)s lines, total %(total)s")
                            % {"lines": r.line_count, "total": r.total_amount},
                        )
                        for r in recomputed
                    ],
                ),
                cancel_url=reverse("subsidies:run-list"),
            )
            if page is not None:
                return page
        transaction.on_commit(
            lambda: tasks.compute_district(
                district=district, month=month, user=user, township_codes=codes
            )
        )
        services.run_create_drafts(month=month, district=district)
        messages.info(request, _("Computing %(month)s.") % {"month": f"{month:%Y-%m}"})
        return redirect(reverse("subsidies:month", args=[f"{month:%Y-%m}"]))


class MonthView(RunViewerMixin, TemplateView):
    """A month across the user's townships: each run's status and a district progress bar."""

    template_name = "subsidies/month.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            month = date.fromisoformat(f"{self.kwargs['month']}-01")
        except ValueError:
            raise Http404
        runs = (
            selectors.run_list(user=self.request.user)
            .filter(month=month)
            .order_by("township__code")
        )
        done = sum(1 for r in runs if r.status != RunStatus.DRAFT)
        running = any(tasks.run_progress(r)["running"] for r in runs)
        context.update(month=month, runs=runs, done=done, total=len(runs), running=running)
        return context


class MonthProgressView(RunViewerMixin, View):
    def get(self, request, month):
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError:
            raise Http404
        runs = selectors.run_list(user=request.user).filter(month=first)
        rows = []
        for run in runs:
            progress = tasks.run_progress(run)
            rows.append(
                {
                    "id": run.pk,
                    "township": run.township.name,
                    "status": run.status,
                    "done": progress["done"],
                    "total": progress["total"],
                    "running": bool(progress.get("running")),
                    "error": run.error,
                }
            )
        return JsonResponse(
            {
                "runs": rows,
                "done": sum(1 for r in rows if r["status"] != RunStatus.DRAFT),
                "total": len(rows),
                "running": any(r["running"] for r in rows),
            }
        )


class PaySlipView(LoginRequiredMixin, View):
    """A person's pay slips: a secretary sees their own; staff any person in scope."""

    def get(self, request, pk=None):
        person_id = pk or request.user.person_id
        person = get_object_or_404(scope_queryset(request.user, Person), pk=person_id)
        lines = selectors.pay_slips(user=request.user, person=person)
        months: dict = {}
        for line in lines[:600]:
            line.words = render_derivation(line.derivation)
            entry = months.setdefault(line.run.month, {"run": line.run, "lines": [], "total": 0})
            entry["lines"].append(line)
            entry["total"] += line.amount
        return render(
            request, "subsidies/pay_slips.html", {"person": person, "months": list(months.values())}
        )


class PolicyListView(LoginRequiredMixin, TemplateView):
    template_name = "subsidies/policy_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, VIEW, Policy):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            policies=scope_queryset(user, Policy).select_related("district"),
            standards=scope_queryset(user, PerformanceStandard).select_related("township"),
            incomes=scope_queryset(user, RuralIncome),
            may_policy=may(user, CHANGE, Policy),
            may_standard=may(user, CHANGE, PerformanceStandard),
        )
        return context


class PolicyFormView(ServiceFormView):
    model = Policy
    form_class = PolicyForm
    template_name = "portal/form.html"
    service = services.policy_save
    instance_kwarg = "policy"
    extra_context = {"title": gettext_lazy("Policy")}

    def get_success_url(self):
        return reverse("subsidies:policy-list")


class StandardFormView(ServiceFormView):
    model = PerformanceStandard
    form_class = StandardForm
    template_name = "portal/form.html"
    service = services.standard_set
    extra_context = {"title": gettext_lazy("Performance standard")}

    def get_success_url(self):
        return reverse("subsidies:policy-list")


class RuralIncomeFormView(ServiceFormView):
    model = RuralIncome
    form_class = RuralIncomeForm
    template_name = "portal/form.html"
    extra_context = {"title": gettext_lazy("Average income of the rural labour force")}

    @staticmethod
    def service(*, user, **data):
        return services.rural_income_set(user=user, district=user.district, **data)

    def get_success_url(self):
        return reverse("subsidies:policy-list")


class FloorReportView(LoginRequiredMixin, TemplateView):
    """R-PAY-5: every cadre's earnings of a year against the floor, shortfalls first."""

    template_name = "subsidies/floor_report.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may(user, VIEW, PayrollRun):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        year = int(self.kwargs.get("year") or timezone.localdate().year)
        townships = scope_queryset(user, Township).order_by("code")
        rows, missing_income = [], False
        for township in townships:
            income = RuralIncome.objects.filter(district_id=township.district_id, year=year).first()
            policy = selectors.policy_for(township.district_id, date(year, 12, 1))
            if income is None or policy is None:
                missing_income = True
                continue
            for row in selectors.floor_report(
                township_id=township.pk,
                year=year,
                income=income.amount,
                other_ratio=policy.floor_other_ratio,
            ):
                if row.result.shortfall > 0:
                    rows.append((township, row))
        context.update(year=year, rows=rows, missing_income=missing_income)
        return context
