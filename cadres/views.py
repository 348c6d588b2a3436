from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.params import query_int
from portal.scope import CHANGE, scope_queryset
from portal.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import services
from .filtersets import PersonFilterSet
from .forms import (
    AppraisalForm,
    AssessmentForm,
    HealthCheckForm,
    PersonForm,
    PostEndForm,
    PostForm,
)
from .models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from .selectors import is_one_shoulder, person_list


class PersonListView(ScopedListView):
    model = Person
    filterset_class = PersonFilterSet
    template_name = "cadres/person_list.html"

    def get_queryset(self):
        # Ordered by an index (name, id): a district's half-million people page without a sort.
        return person_list(user=self.request.user).order_by("name", "pk")


class PersonDetailView(ScopedDetailView):
    model = Person
    template_name = "cadres/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("village__township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        today = timezone.localdate()
        user = self.request.user
        context.update(
            today=today,
            posts=person.posts.select_related("village", "branch").order_by("-start_date"),
            appraisals=person.appraisals.all()[:24],
            assessments=person.assessments.all()[:10],
            health_checks=person.health_checks.all()[:10],
            membership=getattr(person, "membership", None),
            one_shoulder=is_one_shoulder(person, today),
            # the full ID number: to those who keep the registry, and to the person
            show_full_id=context["can_change"] or user.person_id == person.pk,
        )
        return context


class PersonFormView(ServiceFormView):
    model = Person
    form_class = PersonForm
    template_name = "portal/form.html"
    service = services.person_record
    instance_kwarg = "person"
    extra_context = {"title": _("Person")}


class PersonChildFormView(ServiceFormView):
    """A form for a record that belongs to a person (post, appraisal…): ``?person=`` sets
    the person, which must be one the user may change."""

    def get_initial(self):
        initial = super().get_initial()
        person_id = query_int(self.request, "person", minimum=1)  # garbage: 400 (issue 9)
        if person_id is not None:
            person = get_object_or_404(
                scope_queryset(self.request.user, Person, CHANGE), pk=person_id
            )
            initial["person"] = person
            if "village" in self.form_class.base_fields:
                initial["village"] = person.village_id
        return initial


class PostFormView(PersonChildFormView):
    model = Post
    form_class = PostForm
    template_name = "portal/form.html"
    service = services.post_record
    instance_kwarg = "post"
    extra_context = {"title": _("Post")}


class PostEndView(ServiceFormView):
    model = Post
    form_class = PostEndForm
    template_name = "portal/form.html"
    service = services.post_end
    instance_kwarg = "post"
    extra_context = {"title": _("End a post")}


class AppraisalFormView(PersonChildFormView):
    model = PerformanceAppraisal
    form_class = AppraisalForm
    template_name = "portal/form.html"
    service = services.appraisal_record
    extra_context = {"title": _("Performance appraisal")}


class AssessmentFormView(PersonChildFormView):
    model = AnnualAssessment
    form_class = AssessmentForm
    template_name = "portal/form.html"
    service = services.assessment_record
    extra_context = {"title": _("Annual assessment")}


class HealthCheckFormView(PersonChildFormView):
    model = HealthCheck
    form_class = HealthCheckForm
    template_name = "portal/form.html"
    service = services.health_check_record
    extra_context = {"title": _("Health check")}
