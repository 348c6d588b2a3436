from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import Branch, District, PartyMember, Township, Village


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "appraisal_period", "district"]
    list_filter = ["kind", "appraisal_period"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ["code", "name", "township"]
    list_filter = ["township"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]


@admin.register(Branch)
class BranchAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "township", "five_good", "weak_lax"]
    list_filter = ["kind", "five_good", "weak_lax", "township"]
    search_fields = ["code", "name"]
    filter_horizontal = ["villages"]
    list_select_related = ["township"]


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    list_display = ["person", "branch", "stage", "mobility", "away_since"]
    list_filter = ["stage", "mobility"]
    search_fields = ["person__name"]
    raw_id_fields = ["person"]
    list_select_related = ["person", "branch"]
