from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.scope import CHANGE, VIEW, may, scope_queryset


class ScopedModelPermission(BasePermission):
    """The API's permission: the role must be allowed the action on the model, and a write
    must touch a row inside the user's CHANGE scope. Rows outside the VIEW scope are not in
    the queryset at all, so their ids give 404."""

    def _model(self, view):
        queryset = getattr(view, "queryset", None)
        if queryset is None and hasattr(view, "get_queryset"):
            queryset = view.get_queryset()
        return getattr(queryset, "model", None)

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = self._model(view)
        if model is None:
            # A view without a model (the API root: a list of links) is read-only.
            return request.method in SAFE_METHODS
        action = VIEW if request.method in SAFE_METHODS else CHANGE
        return may(request.user, action, model)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return scope_queryset(request.user, type(obj), CHANGE).filter(pk=obj.pk).exists()
