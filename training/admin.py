"""The training models in the Django admin: scoped and read-only, because every write goes
through a service that checks the rules (closed years, 12 hours a day, duplicates, scope);
the pages under /training/ and the API make the changes."""

from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import (
    Attendance,
    Course,
    SelfLoggedTraining,
    TrainingPolicy,
    TrainingReminder,
    TrainingYear,
)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "level", "township", "kind", "start_date", "end_date", "hours"]
    list_filter = ["level", "kind"]
    search_fields = ["title"]
    list_select_related = ["township"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyScopedAdmin):
    list_display = ["course", "person", "hours", "verified"]
    list_filter = ["verified"]
    list_select_related = ["course", "person"]


@admin.register(SelfLoggedTraining)
class SelfLoggedTrainingAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "date", "provider", "kind", "hours", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["person__name", "provider"]
    list_select_related = ["person"]
    exclude = ["evidence"]  # served only by the scoped evidence view


@admin.register(TrainingPolicy)
class TrainingPolicyAdmin(ReadOnlyScopedAdmin):
    list_display = ["district", "year", "hours_per_day", "required_days", "budget_per_secretary"]


@admin.register(TrainingYear)
class TrainingYearAdmin(ReadOnlyScopedAdmin):
    list_display = ["district", "year", "closed_at", "closed_by"]


@admin.register(TrainingReminder)
class TrainingReminderAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "iso_year", "iso_week", "sent_at", "emailed"]
    list_select_related = ["person"]
