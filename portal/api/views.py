from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError

from portal.scope import scope_queryset
from portal.security import lockout_response


class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: DRF's token for a username and password. While django-axes
    has locked the username out at this address it answers 429 with Retry-After, as the login
    page does (issue 9): DRF's serializer would turn the refused login into a 400, and axes
    marks the DRF request, which its middleware never sees."""

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                return lockout_response(request._request, credentials=request.data)
            raise ValidationError(serializer.errors)
        return super().post(request, *args, **kwargs)


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A registry endpoint: the queryset comes from the one scoping function, writes go
    through the app's service (``service`` and ``instance_kwarg``), never ``serializer.save``.
    """

    service = None
    instance_kwarg = None
    related = ()

    def get_queryset(self):
        queryset = scope_queryset(self.request.user, self.queryset)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return queryset

    def service_kwargs(self, serializer):
        return dict(serializer.validated_data)

    def perform_create(self, serializer):
        serializer.instance = type(self).service(
            user=self.request.user, **self.service_kwargs(serializer)
        )

    def perform_update(self, serializer):
        kwargs = self.service_kwargs(serializer)
        kwargs[self.instance_kwarg] = serializer.instance
        serializer.instance = type(self).service(user=self.request.user, **kwargs)

    def perform_destroy(self, instance):
        from django.db import transaction
        from django.db.models import ProtectedError
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import ValidationError

        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError:
            raise ValidationError(
                {"non_field_errors": [_("Other records still refer to this one.")]}
            )


class StepRolesMixin:
    """For viewsets whose actions are workflow steps: ``step_roles`` maps an action to the
    roles that take it, and any other role is refused with 403 before its payload is read
    (the services still decide, with the state and the scope)."""

    step_roles: dict = {}

    def initial(self, request, *args, **kwargs):
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import PermissionDenied

        super().initial(request, *args, **kwargs)
        roles = self.step_roles.get(self.action)
        if roles and not (request.user.is_superuser or request.user.role in roles):
            raise PermissionDenied(_("Your role may not take this step."))
