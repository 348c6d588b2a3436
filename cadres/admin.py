from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import ScopedAdmin
from portal.masking import mask_bank_account, mask_id_number

from .models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ["village", "branch", "role", "start_date", "end_date", "end_reason"]
    raw_id_fields = ["village", "branch"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = [
        "name",
        "masked_id",
        "gender",
        "birth_date",
        "village",
        "masked_account",
        "died_on",
    ]
    # Only the townships of the rows this admin may see (the filter would list every district's).
    list_filter = ["gender", "education", ("village__township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "=id_number"]
    raw_id_fields = ["village"]
    list_select_related = ["village"]
    inlines = [PostInline]

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("bank account"))
    def masked_account(self, obj):
        return mask_bank_account(obj.bank_account)


@admin.register(Post)
class PostAdmin(ScopedAdmin):
    list_display = ["person", "role", "village", "start_date", "end_date", "end_reason"]
    list_filter = ["role", "end_reason"]
    search_fields = ["person__name", "village__name"]
    raw_id_fields = ["person", "village", "branch"]
    list_select_related = ["person", "village"]


@admin.register(PerformanceAppraisal)
class PerformanceAppraisalAdmin(ScopedAdmin):
    list_display = ["person", "period_start", "period_end", "grade"]
    list_filter = ["grade"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(ScopedAdmin):
    list_display = ["person", "year", "score", "grade"]
    list_filter = ["year", "grade"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(HealthCheck)
class HealthCheckAdmin(ScopedAdmin):
    list_display = ["person", "checked_on", "note"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]
