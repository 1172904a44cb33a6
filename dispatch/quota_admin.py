"""附表2 in the admin: the same scoped rows as the matrix page."""

from django.contrib import admin

from core.admin import ScopedAdminMixin
from dispatch.models import QuotaAllocation
from dispatch.quota_services import quota_set


@admin.register(QuotaAllocation)
class QuotaAllocationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["county", "unit", "count", "campaign"]
    list_filter = ["campaign", ("county", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["unit__name", "county__name"]
    list_select_related = ["county", "unit", "campaign"]
    autocomplete_fields = ["unit", "county"]

    def get_readonly_fields(self, request, obj=None):
        # A quota is one cell of 附表2: on change only its number moves.
        return ["campaign", "unit", "county"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        quota_set(campaign=obj.campaign, unit=obj.unit, county=obj.county, count=obj.count, by=request.user)
