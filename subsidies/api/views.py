from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal.api.views import ScopedModelViewSet
from portal.scope import scope_queryset

from .. import services, tasks
from ..choices import RunStatus
from ..models import PaymentLine, PayrollRun, PerformanceStandard, Policy
from ..views import _actions
from .serializers import (
    PaymentLineSerializer,
    PayrollRunSerializer,
    PerformanceStandardSerializer,
    PolicySerializer,
    RunActionSerializer,
)


class PolicyViewSet(ScopedModelViewSet):
    queryset = Policy.objects.order_by("-valid_from")
    serializer_class = PolicySerializer
    service = services.policy_save
    instance_kwarg = "policy"
    filterset_fields = ["district", "valid_from"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class PerformanceStandardViewSet(ScopedModelViewSet):
    queryset = PerformanceStandard.objects.order_by("township", "-valid_from")
    serializer_class = PerformanceStandardSerializer
    service = services.standard_set
    filterset_fields = ["township", "valid_from"]
    http_method_names = ["get", "post", "head", "options"]


class PayrollRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Runs of the user's scope; state changes through the actions only."""

    queryset = PayrollRun.objects.order_by("-month", "township__code")
    serializer_class = PayrollRunSerializer
    filterset_fields = ["township", "month", "status"]

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset).select_related("township")

    def _act(self, request, name):
        run = self.get_object()
        payload = RunActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if name == "approve":
            run = services.run_approve(
                user=request.user, run=run, acknowledge=data["acknowledge"], comment=data["comment"]
            )
        elif name == "reopen":
            run = services.run_reopen(user=request.user, run=run, comment=data["comment"])
        elif name == "lock":
            run = services.run_lock(user=request.user, run=run, comment=data["comment"])
        elif name == "disburse":
            run = services.run_disburse(user=request.user, run=run, comment=data["comment"])
        return Response(PayrollRunSerializer(run, context={"request": request}).data)

    @extend_schema(request=None, responses={202: PayrollRunSerializer})
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        run = self.get_object()
        if "compute" not in _actions(request.user, run):
            raise PermissionDenied(_("You may not compute this run."))
        transaction.on_commit(lambda: tasks.compute_run_task.delay(run.pk, request.user.pk))
        return Response(
            PayrollRunSerializer(run, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=RunActionSerializer, responses=PayrollRunSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, "approve")

    @extend_schema(request=RunActionSerializer, responses=PayrollRunSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, "reopen")

    @extend_schema(request=RunActionSerializer, responses=PayrollRunSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._act(request, "lock")

    @extend_schema(request=RunActionSerializer, responses=PayrollRunSerializer)
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        return self._act(request, "disburse")

    # The schema promised a whole run here (found by the API fuzz test).
    @extend_schema(
        responses=inline_serializer(
            "RunProgress",
            {
                "status": serializers.ChoiceField(choices=RunStatus.choices),
                "done": serializers.IntegerField(),
                "total": serializers.IntegerField(),
                "running": serializers.BooleanField(),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        run = self.get_object()
        return Response({"status": run.status, **tasks.run_progress(run)})


class PaymentLineViewSet(viewsets.ReadOnlyModelViewSet):
    """Payment lines in scope: a secretary's own pay slips, a township's runs."""

    queryset = PaymentLine.objects.order_by("run", "village", "person", "component", "pays_for")
    serializer_class = PaymentLineSerializer
    filterset_fields = ["run", "person", "component", "kind", "held", "pays_for"]

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset)
