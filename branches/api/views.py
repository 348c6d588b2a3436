from rest_framework import viewsets

from portal.api.views import ScopedModelViewSet
from portal.scope import scope_queryset

from .. import services
from ..filtersets import PartyMemberFilterSet
from ..models import Branch, PartyMember, Township, Village
from .serializers import (
    BranchSerializer,
    PartyMemberSerializer,
    TownshipSerializer,
    VillageSerializer,
)


class TownshipViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Township.objects.order_by("code")
    serializer_class = TownshipSerializer
    search_fields = ["name", "code"]
    filterset_fields = ["district", "kind"]

    def get_queryset(self):
        return scope_queryset(self.request.user, self.queryset)


class VillageViewSet(ScopedModelViewSet):
    queryset = Village.objects.order_by("code")
    serializer_class = VillageSerializer
    service = services.village_record
    instance_kwarg = "village"
    search_fields = ["name", "code"]
    filterset_fields = ["township"]


class BranchViewSet(ScopedModelViewSet):
    queryset = Branch.objects.order_by("code").prefetch_related("villages")
    serializer_class = BranchSerializer
    service = services.branch_record
    instance_kwarg = "branch"
    search_fields = ["name", "code"]
    filterset_fields = ["township", "kind", "five_good", "weak_lax"]


class PartyMemberViewSet(ScopedModelViewSet):
    queryset = PartyMember.objects.order_by("branch_id", "pk")
    serializer_class = PartyMemberSerializer
    service = services.member_record
    instance_kwarg = "member"
    filterset_class = PartyMemberFilterSet  # the pages' filters: ?q=, branch, stage…
