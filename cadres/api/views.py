from portal.api.views import ScopedModelViewSet
from portal.scope import CHANGE, scope_queryset

from .. import services
from ..filtersets import PersonFilterSet
from ..models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from .serializers import (
    AnnualAssessmentSerializer,
    HealthCheckSerializer,
    PerformanceAppraisalSerializer,
    PersonSerializer,
    PostSerializer,
)


class PersonViewSet(ScopedModelViewSet):
    queryset = Person.objects.order_by("pk")
    serializer_class = PersonSerializer
    service = services.person_record
    instance_kwarg = "person"
    filterset_class = PersonFilterSet  # the pages' filters: ?q=, township, village, role…

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # A single record shows the full ID number to those who keep it, and to the person.
        if self.action in ("retrieve", "update", "partial_update", "create"):
            pk = self.kwargs.get("pk")
            user = self.request.user
            context["full_id_number"] = self.action == "create" or (
                pk is not None
                and (
                    str(user.person_id) == str(pk)
                    or scope_queryset(user, Person, CHANGE).filter(pk=pk).exists()
                )
            )
        return context


class PostViewSet(ScopedModelViewSet):
    queryset = Post.objects.order_by("pk")
    serializer_class = PostSerializer
    service = services.post_record
    instance_kwarg = "post"
    filterset_fields = ["person", "village", "role"]


class PerformanceAppraisalViewSet(ScopedModelViewSet):
    queryset = PerformanceAppraisal.objects.order_by("pk")
    serializer_class = PerformanceAppraisalSerializer
    service = services.appraisal_record
    filterset_fields = ["person", "grade", "period_start"]
    http_method_names = ["get", "post", "delete", "head", "options"]


class AnnualAssessmentViewSet(ScopedModelViewSet):
    queryset = AnnualAssessment.objects.order_by("pk")
    serializer_class = AnnualAssessmentSerializer
    service = services.assessment_record
    filterset_fields = ["person", "year", "grade"]
    http_method_names = ["get", "post", "delete", "head", "options"]


class HealthCheckViewSet(ScopedModelViewSet):
    queryset = HealthCheck.objects.order_by("pk")
    serializer_class = HealthCheckSerializer
    service = services.health_check_record
    filterset_fields = ["person"]
    http_method_names = ["get", "post", "delete", "head", "options"]
