"""The admin shows cadres, postings and their timelines. A posting's state is read only here;
the actions below change it through the same services as the pages, one posting at a time,
as the acting admin user, and report each one done or refused."""

from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedAdminMixin
from secretaries import services
from secretaries.forms import BULK_BY_ROLE
from secretaries.models import Cadre, Posting, PostingEvent
from secretaries.services import TRANSITIONS, TransitionRefused

# The transitions that need nothing but the posting (and an optional note): the admin's actions.
ADMIN_ACTIONS = {
    "qualify": services.posting_qualify,
    "approve": services.posting_approve,
    "file": services.posting_file,
}


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "id_number", "sex", "birth_date", "unit", "political_status", "rank", "source"]
    list_filter = ["sex", "political_status", "rank", "source", "is_27th_batch"]
    search_fields = ["name", "id_number", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class PostingEventInline(ReadOnlyInline):
    model = PostingEvent
    fields = ["at", "action", "actor", "actor_role", "from_state", "to_state", "note"]


def _admin_action(name: str):
    label = TRANSITIONS[name].label

    @admin.action(description=f"{label}（所选人选）", permissions=[name])
    def run(modeladmin, request, queryset):
        modeladmin.run_transition(request, queryset, name)

    run.__name__ = f"{name}_selected"
    return run


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    """Read only: states change through secretaries.services, from the pages or the actions."""

    list_display = ["cadre", "unit", "campaign", "state", "county", "village", "start_date", "end_date"]
    list_filter = ["state", "campaign", "unit__level"]
    search_fields = ["cadre__name", "cadre__id_number", "unit__name", "village__name"]
    list_select_related = ["cadre", "unit", "campaign", "county", "village"]
    inlines = [PostingEventInline]
    actions = [_admin_action(name) for name in ADMIN_ACTIONS]

    # An action is offered to a user whose role owns it (a 省委组织部 user given admin access
    # files, 省扶贫办 approves, a unit qualifies); a superuser sees every action. Either way the
    # service decides each posting: a superuser of the 系统管理员 role, which owns no transition,
    # gets its refusal per posting.
    def _offers(self, request, name: str) -> bool:
        user = request.user
        return self.has_view_permission(request) and (user.is_superuser or name in BULK_BY_ROLE.get(user.role, ()))

    def has_qualify_permission(self, request):
        return self._offers(request, "qualify")

    def has_approve_permission(self, request):
        return self._offers(request, "approve")

    def has_file_permission(self, request):
        return self._offers(request, "file")

    def run_transition(self, request, queryset, name: str) -> None:
        label = TRANSITIONS[name].label
        done = []
        for posting in queryset.select_related("cadre").order_by("cadre__name", "pk"):
            try:
                ADMIN_ACTIONS[name](posting=posting, by=request.user, note="管理后台操作")
            except (TransitionRefused, Posting.DoesNotExist) as e:
                self.message_user(request, f"{posting.cadre.name}：未能{label}：{e}", messages.ERROR)
            else:
                done.append(posting.cadre.name)
        if done:
            self.message_user(request, f"已{label} {len(done)} 人：{'、'.join(done)}。", messages.SUCCESS)


@admin.register(PostingEvent)
class PostingEventAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, edits or deletes an event here (the model refuses it too)."""

    list_display = ["at", "posting", "action", "actor", "actor_role", "from_state", "to_state"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["posting__cadre", "actor"]
