"""The training API (SPEC §5, §6): courses, attendance, self-logged training with review
actions, and compliance reads — scoped exactly like the pages."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from branches.models import Township, Village
from portal.api.views import ScopedModelViewSet
from portal.choices import Role
from portal.scope import CHANGE, scope_queryset

from .. import attendance_import, selectors, services
from ..models import Attendance, Course, SelfLoggedTraining
from .serializers import (
    AttendanceBulkSerializer,
    AttendanceSerializer,
    BudgetSerializer,
    ComplianceRowSerializer,
    CourseSerializer,
    RejectSerializer,
    ReviewSerializer,
    SelfLoggedTrainingSerializer,
    TownshipSummarySerializer,
)


class CourseViewSet(ScopedModelViewSet):
    queryset = Course.objects.order_by("-start_date", "pk")
    serializer_class = CourseSerializer
    service = services.course_record
    instance_kwarg = "course"
    related = ("township",)
    filterset_fields = ["level", "kind", "township", "start_date"]
    search_fields = ["title"]

    def perform_destroy(self, instance):
        services.course_delete(user=self.request.user, course=instance)


class AttendanceViewSet(ScopedModelViewSet):
    """Attendance rows; POST one row, or many at once through ``bulk`` (all or nothing)."""

    queryset = Attendance.objects.order_by("pk")
    serializer_class = AttendanceSerializer
    related = ("course", "person")
    filterset_fields = ["course", "person", "verified"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        course = get_object_or_404(
            scope_queryset(self.request.user, Course, CHANGE), pk=data["course"].pk
        )
        services.attendance_record_bulk(
            user=self.request.user,
            course=course,
            rows=[(data["person"], data["hours"])],
            verified=data.get("verified", True),
        )
        serializer.instance = Attendance.objects.get(course=course, person=data["person"])

    def perform_destroy(self, instance):
        services.attendance_delete(user=self.request.user, attendance=instance)

    @extend_schema(request=AttendanceBulkSerializer, responses={201: None, 400: None})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Record many attendees of one course by ID number: every bad row is reported
        (row, column, reason) and nothing is recorded, as with the XLSX upload."""
        payload = AttendanceBulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        course = get_object_or_404(scope_queryset(request.user, Course, CHANGE), pk=data["course"])
        rows = [
            attendance_import.SourceRow(
                row=number,
                id_number=row["id_number"],
                name=row.get("name"),
                hours=row.get("hours"),
            )
            for number, row in enumerate(data["rows"], start=1)
        ]
        report = attendance_import.record(
            user=request.user, course=course, rows=rows, verified=data["verified"]
        )
        if not report.ok:
            errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in report.errors]
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": report.created, "updated": report.updated},
            status=status.HTTP_201_CREATED,
        )


class SelfLoggedTrainingViewSet(ScopedModelViewSet):
    """Secretaries create their own entries (multipart, with the evidence file) and withdraw
    pending ones; township staff verify or reject them, one by one or in bulk."""

    queryset = SelfLoggedTraining.objects.order_by("-date", "-pk")
    serializer_class = SelfLoggedTrainingSerializer
    related = ("person",)
    filterset_fields = ["status", "kind", "person", "date"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def perform_create(self, serializer):
        serializer.instance = services.self_logged_training_log(
            user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.self_logged_training_withdraw(user=self.request.user, entry=instance)

    @staticmethod
    def _ensure_reviewer(user) -> None:
        """Only township staff review: others are refused before their payload is read."""
        if not (user.is_superuser or user.role == Role.TOWNSHIP_STAFF):
            raise PermissionDenied(_("Only township staff verify training."))

    def _review(self, request, approve, reason=""):
        self._ensure_reviewer(request.user)
        entry = self.get_object()
        services.self_logged_training_review(
            user=request.user, entries=[entry.pk], approve=approve, reason=reason
        )
        entry.refresh_from_db()
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=None, responses=SelfLoggedTrainingSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._review(request, approve=True)

    @extend_schema(request=RejectSerializer, responses=SelfLoggedTrainingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        self._ensure_reviewer(request.user)
        payload = RejectSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._review(request, approve=False, reason=payload.validated_data["reason"])

    @extend_schema(request=ReviewSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def review(self, request):
        """Verify or reject many entries at once, all or none."""
        self._ensure_reviewer(request.user)
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with transaction.atomic():
            count = services.self_logged_training_review(
                user=request.user,
                entries=data["ids"],
                approve=data["decision"] == "approve",
                reason=data.get("reason", ""),
            )
        return Response({"reviewed": count})


class CompliancePermission(BasePermission):
    """Compliance rows: staff and secretaries (their own row); summaries also finance;
    the budget the district admin and finance."""

    ROLES = {
        "list": {Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF, Role.SECRETARY},
        "townships": {Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF, Role.FINANCE},
        "budget": {Role.DISTRICT_ADMIN, Role.FINANCE},
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or user.role in self.ROLES.get(view.action, set())


YEAR = OpenApiParameter("year", int, description="2000–2100; default: this year")


class ComplianceViewSet(viewsets.GenericViewSet):
    """R-TRN-1 compliance (``?year=&township=&village=&compliant=``), summaries per township
    and the R-TRN-3 budget report; read-only and scoped."""

    permission_classes = [CompliancePermission]
    serializer_class = ComplianceRowSerializer
    filter_backends = []

    def _year(self):
        value = self.request.query_params.get("year", "")
        if not value:
            from django.utils import timezone

            return timezone.localdate().year
        if not value.isdigit() or not 2000 <= int(value) <= 2100:
            raise ValidationError({"year": ["A year between 2000 and 2100."]})
        return int(value)

    def _place(self, model, name):
        value = self.request.query_params.get(name)
        if not value:
            return None
        if not value.isdigit():  # a forged "abc" was a 500 (ValueError from the ORM)
            raise ValidationError({name: [_("Not in your scope.")]})
        place = scope_queryset(self.request.user, model).filter(pk=value).first()
        if place is None:
            raise ValidationError({name: [_("Not in your scope.")]})
        return place

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("township", int, description="a township id in your scope"),
            OpenApiParameter("village", int, description="a village id in your scope"),
            OpenApiParameter("compliant", bool, description="only those (not) on track"),
        ]
    )
    def list(self, request):
        compliant = {"true": True, "false": False}.get(
            request.query_params.get("compliant", "").lower()
        )
        rows = selectors.compliance_rows(
            user=request.user,
            year=self._year(),
            township=self._place(Township, "township"),
            village=self._place(Village, "village"),
            compliant=compliant,
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ComplianceRowSerializer(page, many=True).data)

    # Not paginated: the schema must not promise a page (found by the API fuzz test).
    @extend_schema(responses=TownshipSummarySerializer(many=True), parameters=[YEAR])
    @action(detail=False, methods=["get"], pagination_class=None)
    def townships(self, request):
        summaries = selectors.township_summaries(user=request.user, year=self._year())
        return Response(TownshipSummarySerializer(summaries, many=True).data)

    @extend_schema(responses=BudgetSerializer(many=True), parameters=[YEAR])
    @action(detail=False, methods=["get"], pagination_class=None)
    def budget(self, request):
        reports = selectors.budget_reports(user=request.user, year=self._year())
        return Response(BudgetSerializer(reports, many=True).data)
