"""Admin pieces every app uses: scoped changelists, read-only pages and inlines for logs; and
the import batches' own read-only page."""

from django.contrib import admin

from core.models import ImportBatch


class ScopedAdminMixin:
    """Admin pages show only what the scoping rule lets the user see, like every other page."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A log shown under its object (a posting's or a submission's events): read only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "created_by",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
    ]
    list_filter = ["kind", "status"]
    exclude = ["errors"]
