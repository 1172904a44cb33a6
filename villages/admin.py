from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from core.admin import CheckedImportAdminMixin, ReadOnlyAdmin, ScopedAdminMixin
from villages.models import Region, Village, VillageCategoryChange
from villages.resources import VillageResource
from villages.services import villages_set_categories


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "parent",
        "is_national_key_county",
        "is_contiguous_poor_area_county",
        "is_provincial_poor_county",
        "former_names",
    ]
    list_filter = ["level", "is_national_key_county", "is_contiguous_poor_area_county", "is_provincial_poor_county"]
    search_fields = ["code", "name", "former_names"]
    list_select_related = ["parent"]
    # Regions come from the committed fixture; only names and flags are corrected here.
    readonly_fields = ["code", "level", "parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Village)
class VillageAdmin(CheckedImportAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    """Import and export run through VillageResource: the same checks, scope and confirm as the
    import page. Category flags change only through the service, which keeps their history."""

    resource_classes = [VillageResource]
    # The export always has the import's columns (so it imports back): no field picker.
    skip_export_form = True
    list_display = ["code", "name", "county", "township", "is_weak_organization", "is_registered_poor", "is_key_difficult"]
    list_filter = ["is_weak_organization", "is_registered_poor", "is_key_difficult"]
    search_fields = ["code", "name"]
    list_select_related = ["county", "township"]
    readonly_fields = ["code", "county", "township", "created_at", "updated_at"]
    fields = [
        "code",
        "name",
        "county",
        "township",
        "urban_rural_code",
        "is_weak_organization",
        "is_registered_poor",
        "is_key_difficult",
        "notes",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # villages come from reference data and imports

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        categories = {f: form.cleaned_data[f] for f in Village.CATEGORY_FIELDS if f in form.changed_data}
        for f in categories:  # the service sets them and writes their history
            setattr(obj, f, form.initial[f])
        obj.save()
        if categories:
            villages_set_categories(changes={obj.pk: categories}, by=request.user, note="管理后台修改")


@admin.register(VillageCategoryChange)
class VillageCategoryChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "village", "field", "old_value", "new_value", "changed_by", "import_batch", "note"]
    list_filter = ["field"]
    search_fields = ["village__code", "village__name"]
    list_select_related = ["village", "changed_by", "import_batch"]

    def get_queryset(self, request):
        # History is scoped by its village.
        return admin.ModelAdmin.get_queryset(self, request).filter(village__in=Village.objects.visible_to(request.user))
