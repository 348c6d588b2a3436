"""Living allowance pages (SPEC §4): the declaration form (township staff or a secretary
fill it for a former secretary), the queues of each step, an application with its timeline
and the step forms, the reviewers' opinion form, scans served through a scoped view, and the
allowance ledger with filters and an XLSX export. No business logic: services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from portal.choices import Role
from portal.confirm import Summary, confirm_or_render
from portal.masking import mask_id_number
from portal.params import valid_filterset
from portal.scope import VIEW, may, scope_queryset
from portal.views import ScopedListView

from . import exports, selectors, services
from .choices import ReportBody
from .filtersets import AllowanceApplicationFilterSet, AllowanceGrantFilterSet
from .forms import (
    AcknowledgeForm,
    ApproveForm,
    CommentForm,
    DeclarationForm,
    InvestigatorForm,
    OpinionForm,
    ReasonForm,
    RefereeFormSet,
    TenureFormSet,
)
from .models import AllowanceApplication, AllowanceGrant, ApplicationScan
from .words import refusal

QUEUE_ROWS = 50


def may_declare(user) -> bool:
    return user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.SECRETARY)


def tabs(user) -> dict:
    """What the tabs of the allowance pages offer this user."""
    return {"may_declare": may_declare(user), "may_ledger": may(user, VIEW, AllowanceGrant)}


def sees_id_number(user) -> bool:
    """The full ID number for those who keep the registry (and declare); masked otherwise."""
    return user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN)


class ApplicationListView(ScopedListView):
    model = AllowanceApplication
    filterset_class = AllowanceApplicationFilterSet
    template_name = "subsidies/allowance/application_list.html"

    def get_queryset(self):
        return selectors.application_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tabs(self.request.user))
        return context


class QueueView(LoginRequiredMixin, TemplateView):
    """The applications waiting for the user's role, one list per step they act on."""

    template_name = "subsidies/allowance/queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may(user, VIEW, AllowanceApplication):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        steps = []
        for step in selectors.queues(user=user):
            rows = list(step.applications.order_by("declared_on", "pk")[: QUEUE_ROWS + 1])
            steps.append((step, rows[:QUEUE_ROWS], len(rows) > QUEUE_ROWS))
        context.update(steps=steps, **tabs(user))
        return context


class DeclareView(LoginRequiredMixin, View):
    """R-ALW-4 step 1: township staff or a secretary fill the declaration for a former
    secretary: personal data, tenures to the month, referees and scans."""

    template_name = "subsidies/allowance/declare.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_declare(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None, files=None):
        user = self.request.user
        return (
            DeclarationForm(data, files, user=user),
            TenureFormSet(data, prefix="tenure", form_kwargs={"user": user}),
            RefereeFormSet(data, prefix="referee"),
        )

    def get(self, request):
        form, tenures, referees = self.forms()
        return render(
            request,
            self.template_name,
            {"form": form, "tenures": tenures, "referees": referees, **tabs(request.user)},
        )

    def post(self, request):
        form, tenures, referees = self.forms(request.POST, request.FILES)
        context = {"form": form, "tenures": tenures, "referees": referees, **tabs(request.user)}
        if not (form.is_valid() and tenures.is_valid() and referees.is_valid()):
            return render(request, self.template_name, context, status=400)
        data = dict(form.cleaned_data)
        tenure_rows = [t for t in tenures.cleaned_data if any(t.values())]
        referee_rows = [r for r in referees.cleaned_data if any(r.values())]
        try:
            application = services.application_declare(
                user=request.user,
                tenures=tenure_rows,
                referees=referee_rows,
                **data,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for field, messages_ in errors.items():
                for message in messages_:
                    if field in form.fields:
                        form.add_error(field, message)
                    else:
                        context.setdefault("errors", {}).setdefault(field, []).append(message)
            return render(request, self.template_name, context, status=400)
        messages.success(request, _("Declared. The village review is next."))
        return redirect(application.get_absolute_url())


def _application(request, pk, action=VIEW) -> AllowanceApplication:
    try:
        return selectors.application_get(user=request.user, pk=pk, action=action)
    except AllowanceApplication.DoesNotExist:
        raise Http404


class ApplicationDetailView(LoginRequiredMixin, View):
    """An application: the former secretary, the rules' verdict, the tenures beside the
    registry, referees, scans, opinions, acknowledgements, the timeline and the forms of the
    steps this user may take now."""

    template_name = "subsidies/allowance/application_detail.html"

    def get(self, request, pk):
        application = _application(request, pk)
        assessment = selectors.assess(application)
        actions = selectors.actions_for(request.user, application)
        acknowledged = {a.body: a for a in application.acknowledgements.select_related("user")}
        payee = selectors.payee_comparison(application)
        context = {
            "application": application,
            "person": application.person,
            "id_number": application.person.id_number
            if sees_id_number(request.user)
            else mask_id_number(application.person.id_number),
            "assessment": assessment,
            "refusal": refusal(assessment.result) if assessment.result else "",
            "tenure_rows": selectors.tenure_comparison(application),
            "referees": application.referees.all(),
            "scans": application.scans.all(),
            "opinions": application.opinions.select_related("reviewer"),
            "bodies": [(body, acknowledged.get(body.value)) for body in ReportBody],
            "timeline": selectors.timeline(application),
            "grant": AllowanceGrant.objects.filter(application=application).first(),
            "actions": actions,
            "ack_actions": [
                a.removeprefix("acknowledge-") for a in actions if a.startswith("acknowledge-")
            ],
            "payee": payee,
            "approve_form": ApproveForm(initial={"payee": payee.default_choice}),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "investigator_form": InvestigatorForm(application=application),
            "ack_form": AcknowledgeForm(),
            **tabs(request.user),
        }
        return render(request, self.template_name, context)


ALLOWANCE_STEP_WORDS = {
    "approve": (
        gettext_lazy("Approve the application"),
        gettext_lazy("The allowance is granted: the grant goes into the allowance ledger."),
        gettext_lazy("Approve"),
    ),
    "reject": (
        gettext_lazy("Reject the application"),
        gettext_lazy("The application is refused and closed; the declarant is told why."),
        gettext_lazy("Reject"),
    ),
}


def application_summary(step: str, application: AllowanceApplication) -> Summary:
    title, consequence, button = ALLOWANCE_STEP_WORDS[step]
    return Summary(
        str(title),
        str(consequence),
        str(button),
        [
            (_("former secretary"), application.person.name),
            (_("village"), application.village),
            (_("declared on"), f"{application.declared_on:%Y-%m-%d}"),
        ],
    )


class ApplicationActionView(LoginRequiredMixin, View):
    """POST one step: village-review, start-review, approve, suspend, resume, reject,
    acknowledge-<body>. A refused step shows its message on the application's page. Approve
    and reject ask first (issue 10): without ``confirm=yes`` nothing changes."""

    def post(self, request, pk, action):
        application = _application(request, pk)
        # a step this user may not take now is not asked about: the service refuses it
        if action in ALLOWANCE_STEP_WORDS and action in selectors.actions_for(
            request.user, application
        ):
            page = confirm_or_render(
                request,
                "allowance",
                action,
                lambda: application_summary(action, application),
                cancel_url=application.get_absolute_url(),
            )
            if page is not None:
                return page
        comment = request.POST.get("comment", "")
        reason = request.POST.get("reason", "")
        user = request.user
        try:
            if action == "village-review":
                services.application_village_review(
                    user=user, application=application, comment=comment
                )
                messages.success(request, _("The village review is recorded."))
            elif action == "start-review":
                form = InvestigatorForm(request.POST, application=application)
                if not form.is_valid():
                    raise ValidationError(_("Choose an investigator from the township staff."))
                services.application_start_review(
                    user=user,
                    application=application,
                    investigator=form.cleaned_data["investigator"],
                    comment=comment,
                )
                messages.success(request, _("The township review has started."))
            elif action == "approve":
                form = ApproveForm(request.POST)
                form.is_valid()
                services.application_approve(
                    user=user,
                    application=application,
                    comment=comment,
                    payee=form.cleaned_data.get("payee", ""),
                    update_registry=form.cleaned_data.get("update_registry", False),
                )
                messages.success(request, _("Approved: the grant is in the allowance ledger."))
            elif action == "suspend":
                services.application_suspend(user=user, application=application, reason=reason)
                messages.success(request, _("Suspended."))
            elif action == "resume":
                services.application_resume(user=user, application=application, comment=comment)
                messages.success(request, _("The township review is resumed."))
            elif action == "reject":
                services.application_reject(user=user, application=application, reason=reason)
                messages.success(request, _("Rejected."))
            elif action.startswith("acknowledge-"):
                services.report_acknowledge(
                    user=user,
                    application=application,
                    body=action.removeprefix("acknowledge-"),
                    comment=comment,
                )
                messages.success(request, _("The acknowledgement is recorded."))
            else:
                raise Http404
        except ValidationError as exc:
            # a step this role takes but not now: its message on the application's page
            for message in exc.messages:
                messages.error(request, message)
        # PermissionDenied (a role that takes no such step) goes on: 403, nothing changed
        return redirect(application.get_absolute_url())


class OpinionView(LoginRequiredMixin, View):
    """The reviewer's opinion form, with what they review: the declared tenures beside the
    registry, the referees and the scans."""

    template_name = "subsidies/allowance/opinion.html"

    def context(self, application, form):
        return {
            "application": application,
            "form": form,
            "kind": self.request.user.get_reviewer_kind_display(),
            "tenure_rows": selectors.tenure_comparison(application),
            "referees": application.referees.all(),
            "scans": application.scans.all(),
            "assessment": selectors.assess(application),
        }

    def get(self, request, pk):
        application = _application(request, pk)
        if "opinion" not in selectors.actions_for(request.user, application):
            raise PermissionDenied
        return render(request, self.template_name, self.context(application, OpinionForm()))

    def post(self, request, pk):
        application = _application(request, pk)
        if "opinion" not in selectors.actions_for(request.user, application):
            raise PermissionDenied
        form = OpinionForm(request.POST)
        if form.is_valid():
            try:
                services.opinion_record(
                    user=request.user, application=application, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your opinion is recorded."))
                return redirect(reverse("allowance:queue"))
        return render(request, self.template_name, self.context(application, form), status=400)


@login_required
def scan_view(request, pk: int):
    """A scanned document, to users whose scope covers its application (404 otherwise): PDF
    as an attachment, images inline, never sniffed, never cached."""
    scan = get_object_or_404(scope_queryset(request.user, ApplicationScan), pk=pk)
    try:
        handle = scan.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    response = FileResponse(
        handle,
        content_type=scan.content_type,
        as_attachment=scan.content_type == "application/pdf",
        filename=f"scan-{scan.pk}{extension.get(scan.content_type, '')}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


class GrantListView(ScopedListView):
    """The allowance ledger: grants with their amounts and months, filtered by township,
    status and tier, paginated (the query count does not grow with the page size)."""

    model = AllowanceGrant
    filterset_class = AllowanceGrantFilterSet
    template_name = "subsidies/allowance/grant_list.html"

    def get_queryset(self):
        return selectors.grant_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tabs(self.request.user))
        for grant in context["object_list"]:
            grant.last_month = selectors.last_payable_month(grant)
        return context


class GrantExportView(LoginRequiredMixin, View):
    """The filtered allowance ledger as XLSX."""

    def get(self, request):
        if not may(request.user, VIEW, AllowanceGrant):
            raise PermissionDenied
        filterset = valid_filterset(  # never the whole ledger for a bad filter (issue 9)
            AllowanceGrantFilterSet(
                request.GET, queryset=selectors.grant_list(user=request.user), request=request
            )
        )
        content = exports.grants_xlsx(filterset.qs)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="allowance-ledger-{stamp}.xlsx"'
        return response
