from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Post
from cadres.selectors import one_shoulder_person_ids, posts_on
from portal.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import services
from .filtersets import BranchFilterSet, PartyMemberFilterSet, VillageFilterSet
from .forms import BranchForm, PartyMemberForm, VillageForm
from .models import Branch, PartyMember, Village
from .selectors import branch_list, member_list, village_list


class VillageListView(ScopedListView):
    model = Village
    filterset_class = VillageFilterSet
    template_name = "branches/village_list.html"

    def get_queryset(self):
        return village_list(user=self.request.user).order_by("code")


class VillageDetailView(ScopedDetailView):
    model = Village
    template_name = "branches/village_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        current = (
            Post.objects.filter(posts_on(today), village=self.object)
            .select_related("person")
            .order_by("role", "person__name")
        )
        one_shoulder = set(one_shoulder_person_ids(day=today).values_list("person_id", flat=True))
        context.update(
            today=today,
            current_posts=current,
            cadre_count=len({p.person_id for p in current}),
            one_shoulder_ids=one_shoulder,
            branches=self.object.branches.all(),
        )
        return context


class VillageFormView(ServiceFormView):
    model = Village
    form_class = VillageForm
    template_name = "portal/form.html"
    service = services.village_record
    instance_kwarg = "village"
    extra_context = {"title": _("Village")}


class BranchListView(ScopedListView):
    model = Branch
    filterset_class = BranchFilterSet
    template_name = "branches/branch_list.html"

    def get_queryset(self):
        return branch_list(user=self.request.user).order_by("code")


class BranchDetailView(ScopedDetailView):
    model = Branch
    template_name = "branches/branch_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["villages"] = self.object.villages.all()
        context["member_count"] = self.object.members.count()
        return context


class BranchFormView(ServiceFormView):
    model = Branch
    form_class = BranchForm
    template_name = "portal/form.html"
    service = services.branch_record
    instance_kwarg = "branch"
    extra_context = {"title": _("Branch")}


class PartyMemberListView(ScopedListView):
    model = PartyMember
    filterset_class = PartyMemberFilterSet
    template_name = "branches/member_list.html"

    def get_queryset(self):
        # Ordered by an index (branch, id): no sort of a district's members per page.
        return member_list(user=self.request.user).order_by("branch_id", "pk")


class PartyMemberDetailView(ScopedDetailView):
    model = PartyMember
    template_name = "branches/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__village", "branch__township")


class PartyMemberFormView(ServiceFormView):
    model = PartyMember
    form_class = PartyMemberForm
    template_name = "portal/form.html"
    service = services.member_record
    instance_kwarg = "member"
    extra_context = {"title": _("Party member")}
