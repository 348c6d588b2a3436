"""Ledger pages for finance and district admins (SPEC §3 "Ledgers and exports"): the months
with locked runs, a month's runs with their export buttons (CSV, XLSX, bank file, per run and
for the whole month), the export history with SHA-256, and the streamed downloads.

Everything starts from the scoping function: the pages need the ``subsidies.ledgerexport``
view right (finance and district admins; others get 403), runs come from the user's
``PayrollRun`` scope (a run outside it, or not locked, is a 404)."""

from __future__ import annotations

from datetime import date

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.dates import parse_month
from portal.filtersets import MonthFilter, SearchFilterSet
from portal.params import query_int, query_page, query_year
from portal.scope import VIEW, may, scope_queryset
from portal.views import ScopedListView

from . import exports
from .choices import ExportFormat
from .models import LedgerExport, PayrollRun

MONTHS_PER_PAGE = 12
HISTORY_ON_MONTH_PAGE = 20
EXCLUSIONS_SHOWN = 100


def may_export(user) -> bool:
    """Finance and district admins (and superusers): the ledger pages and downloads."""
    return may(user, VIEW, LedgerExport)


class LedgerAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _month(value: str) -> date:
    try:
        return parse_month(value)
    except ValueError:
        raise Http404(_("Not a month: %(value)s") % {"value": value})


def _district_id(request) -> int:
    """The user's district; a superuser (who has none) names it with ``?district=``."""
    district_id = request.user.district_id or query_int(request, "district", minimum=1)
    if district_id is None:
        raise Http404(_("Choose a district."))
    return district_id


def streaming_download(stream: exports.ExportStream) -> StreamingHttpResponse:
    """A file streamed as it is produced; the export is recorded when the last byte is out."""
    response = StreamingHttpResponse(stream, content_type=stream.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stream.filename)
    response["Cache-Control"] = "no-store"  # full bank accounts: keep them out of caches
    return response


# --- Pages ----------------------------------------------------------------------------------


class LedgerIndexView(LedgerAccessMixin, TemplateView):
    """The months that have locked runs, newest first, with their totals and the whole-month
    downloads."""

    template_name = "subsidies/ledgers/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exportable = Q(status__in=exports.EXPORTABLE)
        months = (
            scope_queryset(self.request.user, PayrollRun)
            .values("month")
            .annotate(
                runs=Count("pk"),
                locked=Count("pk", filter=exportable),
                lines=Sum("line_count", filter=exportable),
                total=Sum("total_amount", filter=exportable),
            )
            .filter(locked__gt=0)
            .order_by("-month")
        )
        year = query_year(self.request)  # 400 for ?year=0 (was a 500, issue 9)
        if year is not None:
            months = months.filter(month__year=year)
        page = Paginator(months, MONTHS_PER_PAGE).get_page(query_page(self.request))
        context.update(page_obj=page, months=page.object_list, year=year or "")
        return context


class LedgerMonthView(LedgerAccessMixin, TemplateView):
    """One month: each township's run with its status and downloads, the whole-month
    downloads, the townships left out, the payees a bank file cannot pay, and the month's
    export history."""

    template_name = "subsidies/ledgers/month.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month = _month(self.kwargs["month"])
        runs = list(
            scope_queryset(user, PayrollRun)
            .filter(month=month)
            .select_related("township")
            .order_by("township__code")
        )
        if not runs:
            raise Http404(_("No payroll runs in this month."))
        ledger = exports.month_ledger(
            district_id=runs[0].township.district_id, month=month, user=user
        )
        exclusions = exports.bank_exclusions(ledger) if ledger.runs else []
        history = (
            scope_queryset(user, LedgerExport)
            .filter(month=month)
            .select_related("run__township", "user")
            .order_by("-at", "-pk")
        )
        context.update(
            month=month,
            runs=runs,
            ledger=ledger,
            exportable=exports.EXPORTABLE,
            exclusions=exclusions[:EXCLUSIONS_SHOWN],
            exclusion_count=len(exclusions),
            history=history[:HISTORY_ON_MONTH_PAGE],
            formats=ExportFormat.choices,
        )
        return context


class LedgerExportFilterSet(SearchFilterSet):
    search_fields = ("sha256__istartswith", "user__username__icontains")
    month = MonthFilter(label=_("month (YYYY-MM)"))
    format = django_filters.ChoiceFilter(label=_("format"), choices=ExportFormat.choices)

    class Meta:
        model = LedgerExport
        fields = ["q", "month", "format"]


class LedgerExportListView(ScopedListView):
    """Every export: who, when, which ledger and format, rows, size and SHA-256."""

    model = LedgerExport
    filterset_class = LedgerExportFilterSet
    template_name = "subsidies/ledgers/export_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("run__township", "user", "district")
            .order_by("-at", "-pk")
        )


# --- Downloads ------------------------------------------------------------------------------


def _format(value: str) -> str:
    if value not in ExportFormat.values:
        raise Http404(_("Unknown export format."))
    return value


class RunDownloadView(LedgerAccessMixin, View):
    """One locked run's ledger in a format; a run that is not locked is not found."""

    def get(self, request, pk, fmt):
        fmt = _format(fmt)
        runs = scope_queryset(request.user, PayrollRun).filter(status__in=exports.EXPORTABLE)
        run = get_object_or_404(runs.select_related("township"), pk=pk)
        return streaming_download(exports.ExportStream(exports.run_ledger(run), fmt, request.user))


class MonthDownloadView(LedgerAccessMixin, View):
    """The month's locked runs across the user's district in a format."""

    def get(self, request, month, fmt):
        fmt = _format(fmt)
        ledger = exports.month_ledger(
            district_id=_district_id(request), month=_month(month), user=request.user
        )
        try:
            stream = exports.ExportStream(ledger, fmt, request.user)
        except ValidationError as exc:
            raise Http404(" ".join(exc.messages))
        return streaming_download(stream)
