"""The upload page of the registry import, its jobs, their progress and reports (SPEC §2
"Bulk import"). Township staff and district admins (the roles that may change people)."""

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from cadres.models import Person
from portal.models import ImportJob
from portal.params import query_page
from portal.scope import CHANGE, VIEW, may
from portal.spreadsheet import safe_cell
from portal.views import ScopedDetailView, ServiceFormView

from .columns import KINDS
from .forms import ImportForm
from .jobs import import_job_list, import_job_progress, import_job_submit
from .template import write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 200
RECENT_JOBS = 20


def phase_labels() -> dict:
    return {
        "": _("Waiting to start"),
        "reading": _("Reading the file"),
        "validating": _("Checking rows"),
        "writing": _("Writing rows"),
    }


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes IMPORT_MAX_BYTES, so a huge file is neither
    stored nor parsed; the rest of the request body is discarded."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.import_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@method_decorator(csrf_exempt, name="dispatch")  # CSRF is checked below, after the handler
class ImportView(ServiceFormView):
    """Upload a file (XLSX or CSV) or download the template; lists the user's recent jobs."""

    model = Person  # the roles that may change people may import
    form_class = ImportForm
    template_name = "cadres/import_list.html"
    service = staticmethod(import_job_submit)
    success_message = gettext_lazy("File received.")

    def dispatch(self, request, *args, **kwargs):
        request.upload_handlers.insert(
            0, SizeLimitHandler(request, limit=settings.IMPORT_MAX_BYTES)
        )
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_object(self):
        return None

    def get_service_kwargs(self, form):
        return {**form.cleaned_data, "language": get_language()}

    def form_invalid(self, form):
        if getattr(self.request, "import_too_large", False):
            form.errors.pop("file", None)
            form.add_error(
                "file",
                _("The file is larger than %(size)s MB.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            kinds=KINDS,
            jobs=import_job_list(user=user).defer("errors")[:RECENT_JOBS]
            if may(user, VIEW, ImportJob)
            else [],
            max_mb=settings.IMPORT_MAX_BYTES // (1024 * 1024),
            sync_rows=settings.IMPORT_SYNC_MAX_ROWS,
        )
        return context


class ImportJobDetailView(ScopedDetailView):
    """Status and progress bar while it runs; then the counts, or every bad row."""

    model = ImportJob
    template_name = "cadres/import_detail.html"

    def get_queryset(self):
        return import_job_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        counts = [
            (kind, kind.model._meta.verbose_name_plural, job.counts[kind.key])
            for kind in KINDS
            if kind.key in (job.counts or {})
        ]
        progress = import_job_progress(job)
        errors = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(query_page(self.request))
        context.update(
            progress=progress,
            phase_labels=phase_labels(),
            phase_label=phase_labels().get(progress["phase"], ""),
            counts=counts,
            errors_page=errors,
            bad_rows=len({(e["sheet"], e["row"]) for e in job.errors or [] if e["row"]}),
        )
        return context


def _job(request, pk):
    if not may(request.user, VIEW, ImportJob):
        raise PermissionDenied
    return get_object_or_404(import_job_list(user=request.user), pk=pk)


@login_required
def import_job_progress_view(request, pk):
    """JSON for the progress bar: status, phase, done, total, percent, finished."""
    if not may(request.user, VIEW, ImportJob):
        raise PermissionDenied
    job = get_object_or_404(import_job_list(user=request.user).defer("errors"), pk=pk)
    return JsonResponse(import_job_progress(job))


def _csv_cell(text) -> str:
    """Text from a user's file that Excel would run as a formula is quoted (the report may be
    opened by someone else, a district admin): :func:`portal.spreadsheet.safe_cell`."""
    return safe_cell(str(text or ""))


@login_required
def import_job_report(request, pk):
    """Every bad row as CSV (UTF-8 with BOM, so Excel opens it)."""
    job = _job(request, pk)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_("sheet"), _("row"), _("column"), _("reason")])
    for error in job.errors or []:
        writer.writerow(
            [
                _csv_cell(error["sheet"]),
                error["row"] or "",
                _csv_cell(error["column"]),
                _csv_cell(error["reason"]),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@login_required
def import_template(request):
    """The blank XLSX template."""
    if not may(request.user, CHANGE, Person):
        raise PermissionDenied
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="registry-import-template.xlsx"'
    return response
