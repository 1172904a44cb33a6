from django.contrib import admin

from secretaries.models import Cadre, Posting, PostingEvent
from villages.admin import ReadOnlyAdmin, ScopedAdminMixin


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "id_number", "sex", "birth_date", "unit", "political_status", "rank", "source"]
    list_filter = ["sex", "political_status", "rank", "source", "is_27th_batch"]
    search_fields = ["name", "id_number", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class PostingEventInline(admin.TabularInline):
    model = PostingEvent
    fields = ["at", "action", "actor", "actor_role", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    """State changes only through secretaries.services (the pages); here it is read."""

    list_display = ["cadre", "unit", "campaign", "state", "county", "village", "start_date", "end_date"]
    list_filter = ["state", "campaign", "unit__level"]
    search_fields = ["cadre__name", "cadre__id_number", "unit__name", "village__name"]
    list_select_related = ["cadre", "unit", "campaign", "county", "village"]
    inlines = [PostingEventInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PostingEvent)
class PostingEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "posting", "action", "actor", "actor_role", "from_state", "to_state"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["posting__cadre", "actor"]
