"""The annual award lists in the REST API (``/api/v1/award-lists/``): the ranking, the
choice at a tie and the approvals, through the services (R-PAY-4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.models import Township
from portal.api.serializers import ScopedModelSerializer
from portal.api.views import StepRolesMixin
from portal.choices import Role
from portal.scope import scope_queryset
from subsidies.models import AwardEntry, AwardList

from . import selectors, services
from .views import actions_for


class AwardEntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    village = serializers.CharField(source="person.village.name", read_only=True)

    class Meta:
        model = AwardEntry
        fields = ["person", "name", "village", "rank", "score", "selected", "tied"]
        read_only_fields = fields


class AwardListSerializer(ScopedModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = AwardList
        fields = [
            "id",
            "township",
            "township_name",
            "year",
            "status",
            "candidates",
            "quota",
            "ratio",
            "prepared_at",
            "approved_at",
        ]
        read_only_fields = fields


class AwardListDetailSerializer(AwardListSerializer):
    entries = serializers.SerializerMethodField()
    places_for_tied = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(AwardListSerializer.Meta):
        fields = [*AwardListSerializer.Meta.fields, "entries", "places_for_tied", "actions"]
        read_only_fields = fields

    @extend_schema(responses=AwardEntrySerializer(many=True))
    def get_entries(self, obj) -> list:
        return AwardEntrySerializer(selectors.entries(obj), many=True).data

    def get_places_for_tied(self, obj) -> int:
        return selectors.ranking(obj).places_for_tied

    def get_actions(self, obj) -> list[str]:
        return actions_for(self.context["request"].user, obj)


class PrepareSerializer(serializers.Serializer):
    township = serializers.PrimaryKeyRelatedField(queryset=Township.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["township"].queryset = scope_queryset(request.user, Township)
        return fields


class ChooseSerializer(serializers.Serializer):
    person_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class AwardCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AwardReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class AwardListViewSet(
    StepRolesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Award lists in scope. POST prepares (or re-prepares) the ranking of a township and
    year; the steps are actions."""

    queryset = AwardList.objects.order_by("-year", "township__code")
    filterset_fields = ["township", "year", "status"]
    step_roles = {
        "create": {Role.TOWNSHIP_STAFF},
        "choose": {Role.TOWNSHIP_STAFF},
        "submit": {Role.TOWNSHIP_STAFF},
        "approve": {Role.DISTRICT_ADMIN},
        "send_back": {Role.DISTRICT_ADMIN},
        "record": {Role.FINANCE},
    }

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset).select_related("township")

    def get_serializer_class(self):
        if self.action == "create":
            return PrepareSerializer
        if self.action == "list":
            return AwardListSerializer
        return AwardListDetailSerializer

    def _detail(self, award_list, code=status.HTTP_200_OK):
        award_list = self.get_queryset().get(pk=award_list.pk)
        data = AwardListDetailSerializer(award_list, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def _payload(self, serializer_class, request):
        payload = serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @extend_schema(request=PrepareSerializer, responses={201: AwardListDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._payload(PrepareSerializer, request)
        award_list = services.award_list_prepare(user=request.user, **data)
        return self._detail(award_list, status.HTTP_201_CREATED)

    @extend_schema(request=ChooseSerializer, responses=AwardListDetailSerializer)
    @action(detail=True, methods=["post"])
    def choose(self, request, pk=None):
        data = self._payload(ChooseSerializer, request)
        award_list = services.award_list_choose(
            user=request.user, award_list=self.get_object(), person_ids=data["person_ids"]
        )
        return self._detail(award_list)

    @extend_schema(request=AwardCommentSerializer, responses=AwardListDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._payload(AwardCommentSerializer, request)
        award_list = services.award_list_submit(
            user=request.user, award_list=self.get_object(), comment=data["comment"]
        )
        return self._detail(award_list)

    @extend_schema(request=AwardCommentSerializer, responses=AwardListDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self._payload(AwardCommentSerializer, request)
        award_list = services.award_list_approve(
            user=request.user, award_list=self.get_object(), comment=data["comment"]
        )
        return self._detail(award_list)

    @extend_schema(request=AwardReasonSerializer, responses=AwardListDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        data = self._payload(AwardReasonSerializer, request)
        award_list = services.award_list_return(
            user=request.user, award_list=self.get_object(), reason=data["reason"]
        )
        return self._detail(award_list)

    @extend_schema(request=AwardCommentSerializer, responses=AwardListDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        data = self._payload(AwardCommentSerializer, request)
        award_list = services.award_list_record(
            user=request.user, award_list=self.get_object(), comment=data["comment"]
        )
        return self._detail(award_list)
