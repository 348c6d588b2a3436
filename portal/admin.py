from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .scope import CHANGE, VIEW, may, scope_queryset


class ScopedAdmin(admin.ModelAdmin):
    """The Django admin sees what the one scoping function gives the user, no more."""

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return may(request.user, VIEW, self.model)

    def has_module_permission(self, request):
        return may(request.user, VIEW, self.model)

    def _may_change(self, request, obj):
        if not may(request.user, CHANGE, self.model):
            return False
        if obj is None:
            return True
        return scope_queryset(request.user, self.model, CHANGE).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return may(request.user, CHANGE, self.model)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_queryset(request.user, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_queryset(request.user, field.queryset)
        return field


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "district", "township", "is_active"]
    list_filter = ["role", "is_active", "township"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {"fields": ("role", "district", "township", "person", "reviewer_kind")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Role and scope"),
            {"fields": ("role", "district", "township", "person", "reviewer_kind")},
        ),
    )
    raw_id_fields = ["person"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        from django.db.models import Q

        return queryset.filter(
            Q(district_id=request.user.district_id)
            | Q(township__district_id=request.user.district_id)
            | Q(person__village__township__district_id=request.user.district_id)
        )


admin.site.site_header = _("Village cadre portal")
admin.site.site_title = _("Village cadre portal")
