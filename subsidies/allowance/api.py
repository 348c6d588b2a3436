"""The living allowance in the REST API (``/api/v1/allowance-applications/``,
``/api/v1/allowance-grants/``), scoped like the pages: the queryset comes from the one
scoping function, every step goes through its service (a refused step is a 400 with the
message, a role that may not take it a 403)."""

from __future__ import annotations

import contextlib
import json

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.models import Village
from cadres.choices import EndReason
from portal.api.serializers import ScopedModelSerializer
from portal.api.views import StepRolesMixin
from portal.choices import Role
from portal.masking import mask_bank_account, mask_id_number
from portal.models import User
from portal.scope import scope_queryset
from portal.validators import no_formula, validate_bank_account

from . import selectors, services
from .choices import ReportBody
from .filtersets import AllowanceApplicationFilterSet, AllowanceGrantFilterSet
from .models import (
    AllowanceApplication,
    AllowanceGrant,
    ApplicationEvent,
    ApplicationScan,
    DeclaredTenure,
    Referee,
    ReportAcknowledgement,
    ReviewOpinion,
)
from .words import refusal


class TenureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeclaredTenure
        fields = ["village", "start_month", "end_month", "end_reason"]


class RefereeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referee
        fields = ["name", "relation", "phone"]


class ScanSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationScan
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("allowance:scan", args=[obj.pk])


class EventSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = ApplicationEvent
        fields = ["from_status", "to_status", "user", "at", "comment"]


class OpinionSerializer(serializers.ModelSerializer):
    reviewer = serializers.StringRelatedField()

    class Meta:
        model = ReviewOpinion
        fields = ["kind", "reviewer", "text", "at"]


class AcknowledgementSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = ReportAcknowledgement
        fields = ["body", "user", "at", "comment"]


class ApplicationSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    township = serializers.IntegerField(source="village.township_id", read_only=True)

    class Meta:
        model = AllowanceApplication
        fields = [
            "id",
            "person",
            "person_name",
            "id_number",
            "village",
            "township",
            "declared_on",
            "status",
            "investigator",
            "suspension_reason",
            "rejection_reason",
            "decided_at",
        ]
        read_only_fields = fields

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.person.id_number)


class ApplicationDetailSerializer(ApplicationSerializer):
    """An application with its declaration, the rules' verdict, opinions, acknowledgements,
    the timeline and the steps the requesting user may take now."""

    tenures = TenureSerializer(many=True, read_only=True)
    referees = RefereeSerializer(many=True, read_only=True)
    scans = ScanSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    acknowledgements = AcknowledgementSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    eligibility = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    grant = serializers.SerializerMethodField()
    payee = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "address",
            "note",
            "tenures",
            "referees",
            "scans",
            "opinions",
            "acknowledgements",
            "events",
            "eligibility",
            "actions",
            "grant",
            "payee",
        ]
        read_only_fields = fields

    def get_payee(self, obj) -> dict:
        """The account as filed beside the registry's, masked (SPEC §2), and its state."""
        payee = selectors.payee_comparison(obj)
        return {
            "state": payee.state,
            "registry_bank_name": payee.registry_bank_name,
            "registry_account": mask_bank_account(payee.registry_account),
            "filed_bank_name": payee.filed_bank_name,
            "filed_account": mask_bank_account(payee.filed_account),
        }

    def get_eligibility(self, obj) -> dict:
        assessment = selectors.assess(obj)
        result = assessment.result
        if result is None:
            return {"eligible": False, "reason": "no policy"}
        return {
            "eligible": result.eligible,
            "months": result.months,
            "tier": result.tier,
            "monthly_amount": str(result.monthly_amount) if result.monthly_amount else None,
            "first_month": assessment.first_month,
            "reason": refusal(result) if not result.eligible else "",
            "policy": assessment.policy.label,
        }

    def get_actions(self, obj) -> list[str]:
        return selectors.actions_for(self.context["request"].user, obj)

    def get_grant(self, obj) -> int | None:
        grant = AllowanceGrant.objects.filter(application=obj).values_list("pk", flat=True)
        return grant[0] if grant else None


class JSONListField(serializers.ListField):
    """A list given as JSON, or as a JSON string in a multipart form (with the scans)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("not_a_list", input_type="string")
        if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str):
            with contextlib.suppress(ValueError):
                data = json.loads(data[0])
        return super().to_internal_value(data)


class TenureInputSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(
        queryset=Village.objects.all(), required=False, allow_null=True
    )
    start_month = serializers.DateField()
    end_month = serializers.DateField()
    end_reason = serializers.ChoiceField(choices=EndReason.choices)


class RefereeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    relation = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)


class DeclarationSerializer(serializers.Serializer):
    """R-ALW-4 step 1 (multipart: ``tenures`` and ``referees`` as JSON text, ``scans`` as
    files)."""

    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all())
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    bank_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", validators=[no_formula]
    )
    bank_account = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_bank_account],
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    declared_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    tenures = JSONListField(child=TenureInputSerializer())
    referees = JSONListField(child=RefereeInputSerializer())
    scans = serializers.ListField(
        child=serializers.FileField(), allow_empty=True, required=False, default=list
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            villages = scope_queryset(request.user, Village)
            fields["village"].queryset = villages
            fields["tenures"].child.fields["village"].queryset = villages
        return fields


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(CommentSerializer):
    """The decision with the account it pays: ``registry`` or ``filed`` (needed when the two
    differ); ``update_registry`` writes a confirmed filed account into the registry."""

    payee = serializers.ChoiceField(
        choices=[selectors.REGISTRY, selectors.FILED], required=False, allow_blank=True, default=""
    )
    update_registry = serializers.BooleanField(required=False, default=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class InvestigatorSerializer(CommentSerializer):
    investigator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class OpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class AcknowledgeSerializer(CommentSerializer):
    body = serializers.ChoiceField(choices=ReportBody.choices)


class AllowanceApplicationViewSet(
    StepRolesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Applications in scope; a reviewer sees those sent to them. POST declares (multipart
    with the scans); each step is an action."""

    queryset = AllowanceApplication.objects.order_by("-declared_on", "-pk")
    filterset_class = AllowanceApplicationFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    step_roles = {
        "create": {Role.TOWNSHIP_STAFF, Role.SECRETARY},
        "village_review": {Role.TOWNSHIP_STAFF, Role.SECRETARY},
        "start_review": {Role.TOWNSHIP_STAFF},
        "opinion": {Role.REVIEWER},
        "approve": {Role.TOWNSHIP_STAFF},
        "suspend": {Role.TOWNSHIP_STAFF},
        "resume": {Role.TOWNSHIP_STAFF},
        "reject": {Role.TOWNSHIP_STAFF},
        "acknowledge": {Role.DISTRICT_ADMIN, Role.FINANCE},
    }

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset).select_related(
            "person", "village__township"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return DeclarationSerializer
        if self.action == "list":
            return ApplicationSerializer
        return ApplicationDetailSerializer

    def _detail(self, application):
        application = selectors.application_get(user=self.request.user, pk=application.pk)
        return Response(
            ApplicationDetailSerializer(application, context=self.get_serializer_context()).data
        )

    @extend_schema(request=DeclarationSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = DeclarationSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["tenures"] = [dict(t) for t in data["tenures"]]
        data["referees"] = [dict(r) for r in data["referees"]]
        application = services.application_declare(user=request.user, **data)
        response = self._detail(application)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _payload(self, serializer_class, request):
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @extend_schema(request=CommentSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="village-review")
    def village_review(self, request, pk=None):
        data = self._payload(CommentSerializer, request)
        application = services.application_village_review(
            user=request.user, application=self.get_object(), comment=data["comment"]
        )
        return self._detail(application)

    @extend_schema(request=InvestigatorSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        data = self._payload(InvestigatorSerializer, request)
        application = services.application_start_review(
            user=request.user,
            application=self.get_object(),
            investigator=data["investigator"],
            comment=data["comment"],
        )
        return self._detail(application)

    @extend_schema(request=OpinionInputSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        data = self._payload(OpinionInputSerializer, request)
        application = self.get_object()
        services.opinion_record(user=request.user, application=application, text=data["text"])
        return self._detail(application)

    @extend_schema(request=ApproveSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self._payload(ApproveSerializer, request)
        application = self.get_object()
        services.application_approve(
            user=request.user,
            application=application,
            comment=data["comment"],
            payee=data["payee"],
            update_registry=data["update_registry"],
        )
        return self._detail(application)

    @extend_schema(request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        data = self._payload(ReasonSerializer, request)
        application = services.application_suspend(
            user=request.user, application=self.get_object(), reason=data["reason"]
        )
        return self._detail(application)

    @extend_schema(request=CommentSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        data = self._payload(CommentSerializer, request)
        application = services.application_resume(
            user=request.user, application=self.get_object(), comment=data["comment"]
        )
        return self._detail(application)

    @extend_schema(request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = self._payload(ReasonSerializer, request)
        application = services.application_reject(
            user=request.user, application=self.get_object(), reason=data["reason"]
        )
        return self._detail(application)

    @extend_schema(request=AcknowledgeSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        data = self._payload(AcknowledgeSerializer, request)
        application = self.get_object()
        services.report_acknowledge(
            user=request.user, application=application, body=data["body"], comment=data["comment"]
        )
        return self._detail(application)


class GrantSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    village = serializers.IntegerField(source="person.village_id", read_only=True)
    township = serializers.IntegerField(source="person.village.township_id", read_only=True)
    last_month = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()

    class Meta:
        model = AllowanceGrant
        fields = [
            "id",
            "person",
            "person_name",
            "village",
            "township",
            "application",
            "service_months",
            "tier",
            "monthly_amount",
            "start_month",
            "end_month",
            "last_month",
            "status",
            "stop_reason",
            "policy_label",
            "bank_account",
        ]
        read_only_fields = fields

    def get_last_month(self, obj) -> str | None:
        last = selectors.last_payable_month(obj)
        return last.isoformat() if last else None

    def get_bank_account(self, obj) -> str:
        """The confirmed account the grant pays, masked."""
        return mask_bank_account(obj.bank_account)


class AllowanceGrantViewSet(viewsets.ReadOnlyModelViewSet):
    """The allowance ledger in scope, filtered by township, status and tier."""

    queryset = AllowanceGrant.objects.all()
    serializer_class = GrantSerializer
    filterset_class = AllowanceGrantFilterSet

    def get_queryset(self):
        return selectors.grant_list(user=self.request.user)
