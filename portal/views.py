"""The portal shell: the home dashboard and the generic scoped list, detail and form views
the apps build their pages on."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from portal.params import query_page, query_page_size, query_year

from .choices import Role
from .pagination import CappedPaginator
from .scope import CHANGE, VIEW, may, scope_queryset

PAGE_SIZES = (25, 50, 100, 200)


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError as form errors: on the field it names when the form has
    it, otherwise on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Starts every queryset from the one scoping function; out-of-scope ids give 404."""

    model = None
    action = VIEW

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, self.action, self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        return scope_queryset(self.request.user, self.model, self.action)

    def get_queryset(self):
        return self.scoped_queryset()


class StrictFilterMixin:
    """A django-filter page whose filter values do not validate (``?year=0``,
    ``?township=abc``) answers 400 with the form and its errors and no rows (issue 9 item 6);
    ``?per_page=`` picks one of ``PAGE_SIZES`` (garbage is a 400)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_paginate_by(self, queryset):
        return query_page_size(self.request, PAGE_SIZES, self.paginate_by)


class ScopedListView(StrictFilterMixin, ScopedQuerysetMixin, FilterView):
    """A filtered, paginated list: ``?per_page=`` picks the page size; the query count does
    not depend on it (related rows come through ``select_related``)."""

    paginate_by = 25
    paginator_class = CappedPaginator
    template_name_suffix = "_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_sizes"] = PAGE_SIZES
        context["can_change"] = may(self.request.user, CHANGE, self.model)
        return context


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = (
            scope_queryset(self.request.user, self.model, CHANGE).filter(pk=self.object.pk).exists()
        )
        return context


class ServiceFormView(ScopedQuerysetMixin, FormView):
    """A form whose valid data goes to one service; its ValidationError becomes form errors
    and nothing is saved."""

    action = CHANGE
    service = None  # callable(*, user, [instance], **cleaned_data) -> object
    instance_kwarg = None  # name of the service argument that receives the object being changed
    success_message = _("Saved.")

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        self.object = self.get_object()
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_service_kwargs(self, form):
        return dict(form.cleaned_data)

    def form_valid(self, form):
        service_kwargs = self.get_service_kwargs(form)
        if self.object is not None and self.instance_kwarg:
            service_kwargs[self.instance_kwarg] = self.object
        try:
            self.result = type(self).service(user=self.request.user, **service_kwargs)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context


class HomeView(LoginRequiredMixin, TemplateView):
    """The dashboard of the user's role: the township dashboard shows the R-REG flags."""

    template_name = "portal/dashboard.html"

    def get(self, request, *args, **kwargs):
        if request.user.role == Role.SECRETARY and not request.user.is_superuser:
            return redirect("cadres:person-detail", pk=request.user.person_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from branches.selectors import (
            mobile_member_flags,
            villages_short_of_activists,
            young_recruits_by_village,
        )
        from cadres.selectors import secretary_health_checks, villages_outside_cadre_range

        context = super().get_context_data(**kwargs)
        user = self.request.user
        today: date = timezone.localdate()
        year = query_year(self.request, default=today.year)  # 400 for a bad year (issue 9)
        if user.role == Role.REVIEWER:
            return context
        recruits = young_recruits_by_village(user=user, year=year)
        context.update(
            today=today,
            year=year,
            cadre_range=villages_outside_cadre_range(user=user, day=today),
            health_checks=secretary_health_checks(user=user, day=today),
            activists=list(villages_short_of_activists(user=user)),
            recruits_missing=[r for r in recruits if not r.met],
            recruits_total=len(recruits),
            mobility=mobile_member_flags(user=user, day=today),
        )
        return context


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The user's own notifications (newest first), paginated; POST marks them read."""

    template_name = "portal/notifications.html"

    def get_context_data(self, **kwargs):
        from .models import Notification

        context = super().get_context_data(**kwargs)
        notices = Notification.objects.filter(recipient=self.request.user)
        per_page = query_page_size(self.request, PAGE_SIZES, 25)
        page = CappedPaginator(notices, per_page).get_page(query_page(self.request))
        context.update(page_obj=page, object_list=page.object_list, page_sizes=PAGE_SIZES)
        return context

    def post(self, request, *args, **kwargs):
        from .forms import id_list
        from .services import notifications_mark_read

        ids = id_list(request.POST.getlist("id")) or None
        notifications_mark_read(user=request.user, ids=ids)
        return redirect("notifications")
