"""REST API of the ledgers (SPEC §3, §6), finance and district admins only: the locked runs
(``/api/v1/ledgers/``) with a streamed download of each run's ledger
(``/api/v1/ledgers/{id}/download/csv|xlsx|bank/``), and the read-only export history with
SHA-256 (``/api/v1/ledger-exports/``). Querysets come from the scoping function."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.scope import scope_queryset

from . import exports
from .export_views import may_export, streaming_download
from .models import LedgerExport, PayrollRun


class MayExportLedgers(BasePermission):
    """Reading ledgers and their exports: finance and district admins (and superusers)."""

    def has_permission(self, request, view):
        return (
            request.user.is_authenticated
            and request.method in SAFE_METHODS
            and may_export(request.user)
        )


class LedgerSerializer(serializers.ModelSerializer):
    township_code = serializers.CharField(source="township.code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = PayrollRun
        fields = [
            "id",
            "township",
            "township_code",
            "township_name",
            "month",
            "status",
            "line_count",
            "held_count",
            "total_amount",
            "locked_at",
            "chain_position",
            "prev_hash",
            "ledger_hash",
        ]
        read_only_fields = fields


class LedgerExportSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()
    township_code = serializers.CharField(
        source="run.township.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = LedgerExport
        fields = [
            "id",
            "run",
            "township_code",
            "district",
            "month",
            "format",
            "user",
            "at",
            "sha256",
            "lines",
            "size",
        ]
        read_only_fields = fields


class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """Locked (and disbursed) payroll runs, each a ledger that can be downloaded."""

    queryset = PayrollRun.objects.filter(status__in=exports.EXPORTABLE).order_by(
        "-month", "township__code"
    )
    serializer_class = LedgerSerializer
    permission_classes = [MayExportLedgers]
    filterset_fields = ["month", "township", "status"]

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset).select_related("township")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, url_path=r"download/(?P<file_format>csv|xlsx|bank)")
    def download(self, request, pk=None, file_format=None):
        """The run's ledger as CSV, XLSX or a bank transfer file, streamed and recorded."""
        run = self.get_object()
        return streaming_download(
            exports.ExportStream(exports.run_ledger(run), file_format, request.user)
        )


class LedgerExportViewSet(viewsets.ReadOnlyModelViewSet):
    """Every ledger export: who, when, which ledger and format, and the file's SHA-256."""

    queryset = LedgerExport.objects.order_by("-at", "-pk")
    serializer_class = LedgerExportSerializer
    permission_classes = [MayExportLedgers]
    filterset_fields = ["month", "format", "run", "sha256"]

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset).select_related(
            "run__township", "user"
        )
