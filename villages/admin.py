from django.contrib import admin

from villages.models import Region


class ScopedAdminMixin:
    """Admin pages show only what the scoping rule lets the user see, like every other page."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_national_key_county", "is_contiguous_poor_area_county", "is_provincial_poor_county", "former_names"]
    list_filter = ["level", "is_national_key_county", "is_contiguous_poor_area_county", "is_provincial_poor_county"]
    search_fields = ["code", "name", "former_names"]
    list_select_related = ["parent"]
    # Regions come from the committed fixture; only names and flags are corrected here.
    readonly_fields = ["code", "level", "parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
