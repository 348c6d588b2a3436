"""Training pages (SPEC §5): the secretary's log and progress, the township's verification
queue and compliance table, courses with bulk attendance, the district's completion and
budget report, the policy. No business logic here: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from branches.models import Township, Village
from portal import audit
from portal.choices import Role
from portal.forms import id_list
from portal.params import query_int, query_page, query_page_size, query_year
from portal.scope import CHANGE, may, scope_queryset
from portal.views import (
    PAGE_SIZES,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    add_service_errors,
)

from . import attendance_import, exports, rules, selectors, services
from .choices import EntryStatus, EvidenceType
from .filtersets import CourseFilterSet, SelfLoggedTrainingFilterSet
from .forms import (
    AttendanceListForm,
    AttendanceUploadForm,
    CourseForm,
    SelfLoggedTrainingForm,
    TrainingPolicyForm,
)
from .models import Attendance, Course, SelfLoggedTraining, TrainingPolicy, TrainingYear

CHART_MAX_BARS = 300


def _year(request) -> int:
    """``?year=`` (1900–2999, else 400), this year when absent."""
    return query_year(request, default=timezone.localdate().year)


def _page_size(request, default=50) -> int:
    return query_page_size(request, PAGE_SIZES, default)


class RoleRequiredMixin(LoginRequiredMixin):
    """Pages of some roles only (superusers always); their data still come from scope."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_superuser or user.role in self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TrainingHomeView(LoginRequiredMixin, View):
    """/training/ sends each role to its own page."""

    def get(self, request):
        role = request.user.role
        if role == Role.SECRETARY:
            return redirect("training:my-training")
        if role == Role.TOWNSHIP_STAFF:
            return redirect("training:queue")
        if role in (Role.DISTRICT_ADMIN, Role.FINANCE) or request.user.is_superuser:
            return redirect("training:district")
        raise PermissionDenied


# --- the secretary -------------------------------------------------------------------------


class MyTrainingView(LoginRequiredMixin, FormView):
    """The secretary's page, made for a phone: the year's progress bar, the short log form
    with the evidence upload, and the status of each entry."""

    template_name = "training/my_training.html"
    form_class = SelfLoggedTrainingForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.role == Role.SECRETARY and user.person_id):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            services.self_logged_training_log(user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Logged. Township staff will verify it."))
        return redirect("training:my-training")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request)
        person = user.person
        entries = (
            selectors.self_logged_list(user=user)
            .filter(person_id=user.person_id)
            .select_related(None)
            .order_by("-date", "-pk")
        )
        page = Paginator(entries, 20).get_page(query_page(self.request))
        progress = selectors.person_progress(person, year)
        context.update(
            year=year,
            progress=progress,
            policy=selectors.policy_for(person.village.township.district_id, year),
            page_obj=page,
            entries=page.object_list,
            page_sizes=(),
            attendances=selectors.attendance_list(user=user)
            .filter(person_id=user.person_id, course__start_date__year=year)
            .order_by("course__start_date"),
            statuses=EntryStatus,
        )
        return context


@login_required
def evidence_view(request, pk: int):
    """An entry's evidence file, to users whose scope covers the entry (404 otherwise): PDF
    as an attachment, images inline, never sniffed."""
    entry = get_object_or_404(scope_queryset(request.user, SelfLoggedTraining), pk=pk)
    try:
        handle = entry.evidence.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    is_pdf = entry.evidence_type == EvidenceType.PDF
    response = FileResponse(
        handle,
        content_type=entry.evidence_type,
        as_attachment=is_pdf,
        filename=f"evidence-{entry.pk}{rules.EXTENSIONS.get(entry.evidence_type, '')}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_POST
def entry_withdraw(request, pk: int):
    entry = get_object_or_404(scope_queryset(request.user, SelfLoggedTraining, CHANGE), pk=pk)
    try:
        services.self_logged_training_withdraw(user=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry was withdrawn."))
    return redirect("training:my-training")


# --- township staff ------------------------------------------------------------------------


class VerificationQueueView(RoleRequiredMixin, ScopedListView):
    """Township staff's queue: pending entries of their township, approved or rejected (with
    a reason) in bulk."""

    roles = (Role.TOWNSHIP_STAFF,)
    model = SelfLoggedTraining
    filterset_class = SelfLoggedTrainingFilterSet
    template_name = "training/queue.html"

    def get_queryset(self):
        # a reviewer's own entries are not theirs to verify (issue 9 item 7)
        user = self.request.user
        entries = selectors.self_logged_list(user=user).order_by("date", "pk")
        return entries.exclude(person_id=user.person_id) if user.person_id else entries

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        data.setdefault("status", EntryStatus.PENDING)
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_review"] = may(self.request.user, CHANGE, SelfLoggedTraining)
        return context

    def post(self, request, *args, **kwargs):
        ids = id_list(request.POST.getlist("entry"))
        approve = request.POST.get("decision") == "approve"
        try:
            count = services.self_logged_training_review(
                user=request.user,
                entries=ids,
                approve=approve,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if approve:
                text = ngettext("%(n)s entry verified.", "%(n)s entries verified.", count)
            else:
                text = ngettext("%(n)s entry rejected.", "%(n)s entries rejected.", count)
            messages.success(request, text % {"n": count})
        return redirect(request.get_full_path())


class ComplianceView(RoleRequiredMixin, TemplateView):
    """R-TRN-1 compliance table with filters (township, village, compliant), the XLSX/CSV
    download and a bar chart of each village's completion."""

    roles = (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN)
    template_name = "training/compliance.html"

    def filters(self):
        user, get = self.request.user, self.request.GET
        townships = scope_queryset(user, Township).order_by("code")
        villages = scope_queryset(user, Village).order_by("code")
        township = village = None
        township_id = query_int(self.request, "township", minimum=1)  # garbage: 400
        village_id = query_int(self.request, "village", minimum=1)
        if township_id is not None:
            township = townships.filter(pk=township_id).first()
        if village_id is not None:
            village = villages.filter(pk=village_id).first()
        compliant = {"yes": True, "no": False}.get(get.get("compliant", ""))
        if township is not None:
            villages = villages.filter(township=township)
        return townships, villages, township, village, compliant

    def get(self, request, *args, **kwargs):
        townships, villages, township, village, compliant = self.filters()
        year = _year(request)
        rows = selectors.compliance_rows(
            user=request.user, year=year, township=township, village=village, compliant=compliant
        )
        fmt = request.GET.get("format")
        place = township or request.user.township or request.user.district
        if fmt in ("xlsx", "csv") and place is not None:
            audit.record(
                place,
                action=audit.ACCESS,
                summary=f"training compliance {year} exported ({fmt}, {len(rows)} rows)",
                data={"operation": "export", "format": fmt, "year": year, "rows": len(rows)},
            )
        if fmt == "xlsx":
            return _download(
                exports.xlsx_bytes(rows, year=year),
                f"training-compliance-{year}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if fmt == "csv":
            return _download(
                exports.csv_bytes(rows),
                f"training-compliance-{year}.csv",
                "text/csv; charset=utf-8",
            )
        page = Paginator(rows, _page_size(request)).get_page(query_page(request))
        context = self.get_context_data(
            year=year,
            rows=page.object_list,
            page_obj=page,
            page_sizes=PAGE_SIZES,
            chart=rows[:CHART_MAX_BARS],
            chart_truncated=len(rows) > CHART_MAX_BARS,
            total=len(rows),
            compliant_count=sum(1 for r in rows if r.compliant),
            townships=townships if request.user.role != Role.TOWNSHIP_STAFF else None,
            # a district has thousands of villages: offer them once a township is chosen
            villages=villages
            if township is not None or request.user.role == Role.TOWNSHIP_STAFF
            else None,
            township=township,
            village=village,
            compliant=request.GET.get("compliant", ""),
        )
        return self.render_to_response(context)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OtherCadresView(RoleRequiredMixin, TemplateView):
    """R-TRN-2: village cadres other than secretaries without a township training this year."""

    roles = (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN)
    template_name = "training/other_cadres.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        posts = selectors.other_cadres_without_township_training(user=self.request.user, year=year)
        page = Paginator(posts, _page_size(self.request)).get_page(query_page(self.request))
        context.update(year=year, page_obj=page, posts=page.object_list, page_sizes=PAGE_SIZES)
        return context


# --- the district --------------------------------------------------------------------------


class DistrictReportView(RoleRequiredMixin, TemplateView):
    """Completion per township (R-TRN-1), the budget report (R-TRN-3) and hours by kind."""

    roles = (Role.DISTRICT_ADMIN, Role.FINANCE)
    template_name = "training/district.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, year = self.request.user, _year(self.request)
        kinds = selectors.hours_by_kind(user=user, year=year)
        most = max((hours for _k, _l, hours in kinds), default=0) or 1
        context.update(
            year=year,
            summaries=selectors.township_summaries(user=user, year=year),
            budgets=selectors.budget_reports(user=user, year=year),
            kinds=kinds,
            kinds_max=most,
        )
        return context


class PolicyView(RoleRequiredMixin, TemplateView):
    """The district admin sets the policy values from a year on and closes training years."""

    roles = (Role.DISTRICT_ADMIN,)
    template_name = "training/policy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request)
        district_id = selectors.user_district_id(user)
        current = selectors.policy_record_for(district_id, year) if district_id else None
        if "form" not in context:
            initial = {"year": year}
            if current is not None:
                initial.update({field: getattr(current, field) for field in services.POLICY_FIELDS})
            context["form"] = TrainingPolicyForm(initial=initial)
        closed = {
            y.year: y
            for y in scope_queryset(user, TrainingYear)
            .select_related("closed_by")
            .order_by("-year")
        }
        today = timezone.localdate()
        years = sorted(set(closed) | {today.year, today.year - 1, today.year - 2}, reverse=True)
        context.update(
            year=year,
            policies=scope_queryset(user, TrainingPolicy).order_by("-year"),
            years=[(y, closed.get(y)) for y in years],
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "year":
            value = request.POST.get("year", "")
            if not value.isdigit():
                raise Http404
            close = request.POST.get("close") == "1"
            services.training_year_close(user=request.user, year=int(value), close=close)
            messages.success(
                request,
                (_("Year %(year)s closed.") if close else _("Year %(year)s opened again."))
                % {"year": value},
            )
            return redirect("training:policy")
        form = TrainingPolicyForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.training_policy_record(user=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Policy saved."))
                return redirect("training:policy")
        return self.render_to_response(self.get_context_data(form=form))


# --- courses and attendance ----------------------------------------------------------------


class CourseListView(ScopedListView):
    model = Course
    filterset_class = CourseFilterSet
    template_name = "training/course_list.html"

    def get_queryset(self):
        return selectors.course_list(user=self.request.user).order_by("-start_date", "pk")


class CourseFormView(ServiceFormView):
    model = Course
    form_class = CourseForm
    template_name = "portal/form.html"
    service = services.course_record
    instance_kwarg = "course"
    extra_context = {"title": gettext_lazy("Course")}


class CourseDetailView(ScopedDetailView):
    """A course with its attendance; its organiser records attendance in bulk by a pasted
    list or an XLSX upload, all or nothing with a report of every bad row."""

    model = Course
    template_name = "training/course_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township", "district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendances = (
            selectors.attendance_list(user=self.request.user)
            .filter(course=self.object)
            .select_related("person__village")
            .order_by("person__village__code", "person__name", "pk")
        )
        page = Paginator(attendances, _page_size(self.request)).get_page(query_page(self.request))
        context.update(
            page_obj=page,
            attendances=page.object_list,
            page_sizes=PAGE_SIZES,
            list_form=kwargs.get("list_form") or AttendanceListForm(),
            upload_form=kwargs.get("upload_form") or AttendanceUploadForm(),
            year_closed=selectors.year_closed(self.object.district_id, self.object.start_date.year),
        )
        return context

    def post(self, request, *args, **kwargs):
        course = get_object_or_404(scope_queryset(request.user, Course, CHANGE), pk=kwargs["pk"])
        self.object = course
        list_form, upload_form = AttendanceListForm(), AttendanceUploadForm()
        report = None
        if request.POST.get("action") == "upload":
            upload_form = AttendanceUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                report = attendance_import.import_xlsx(
                    user=request.user, course=course, upload=upload_form.cleaned_data["file"]
                )
        else:
            list_form = AttendanceListForm(request.POST)
            if list_form.is_valid():
                report = attendance_import.record(
                    user=request.user,
                    course=course,
                    rows=attendance_import.read_lines(list_form.cleaned_data["lines"]),
                    verified=list_form.cleaned_data["verified"],
                )
        if report is not None and report.ok:
            messages.success(
                request,
                _("Attendance recorded: %(created)s added, %(updated)s changed.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect(course.get_absolute_url())
        context = self.get_context_data(
            object=course, list_form=list_form, upload_form=upload_form, report=report
        )
        return self.render_to_response(context, status=400 if report else 200)


@login_required
@require_POST
def attendance_delete(request, pk: int):
    attendance = get_object_or_404(
        scope_queryset(request.user, Attendance, CHANGE).select_related("course"), pk=pk
    )
    try:
        services.attendance_delete(user=request.user, attendance=attendance)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(attendance.course.get_absolute_url())


@login_required
def attendance_template(request):
    if not may(request.user, CHANGE, Attendance):
        raise PermissionDenied
    return _download(
        attendance_import.template_workbook(),
        "attendance-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
