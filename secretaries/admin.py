"""The admin shows cadres, postings and their timelines, each narrowed to the user's scope like
every other page. A posting's state is read only here; every transition of
secretaries.transitions is an action on the posting changelist, offered to the users whose role
holds its capability (a 省委组织部 user given admin access files, 省扶贫办 approves, a unit
qualifies; the system administrator's role takes no step, so it sees none). A step that needs
input asks for it on an intermediate page first; then each selected posting is decided by the
same service as on the pages, in its own transaction, and the result lists what was done and
each refusal with its reason."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from core import access_log
from core.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedAdminMixin
from core.masking import mask_id_number
from dispatch.roles import SEE_FULL_ID_NUMBERS, SEE_PHONES, can
from secretaries import services
from secretaries.models import Cadre, Posting, PostingEvent
from secretaries.transitions import TRANSITIONS, Transition, TransitionRefused

ADMIN_NOTE = "管理后台操作"  # the event's note when a step that takes only a note is given none


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "id_number", "sex", "birth_date", "unit", "political_status", "rank", "source"]
    list_filter = ["sex", "political_status", "rank", "source", "is_27th_batch"]
    search_fields = ["name", "id_number", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]

    # Personal data (#14 point 3): a role without the full number sees the masked one and the
    # birth year, never the phone in full without SEE_PHONES; every page that shows them in
    # full is logged.
    def get_list_display(self, request):
        if can(request.user, SEE_FULL_ID_NUMBERS):
            return self.list_display
        return ["name", "masked_id_number", "birth_year", "sex", "unit", "political_status", "rank", "source"]

    def get_exclude(self, request, obj=None):
        hidden = []
        if not can(request.user, SEE_FULL_ID_NUMBERS):
            hidden += ["id_number", "birth_date"]
        if not can(request.user, SEE_PHONES):
            hidden.append("phone")
        return hidden

    @admin.display(description="公民身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="出生年份")
    def birth_year(self, obj):
        return f"{obj.birth_date:%Y}年" if obj.birth_date else "—"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        shown = getattr(response, "context_data", None) or {}
        if can(request.user, SEE_FULL_ID_NUMBERS) and "cl" in shown:
            access_log.record(request, what="管理后台：干部列表", people=len(shown["cl"].result_list))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if can(request.user, SEE_FULL_ID_NUMBERS) and getattr(response, "status_code", None) == 200:
            access_log.record(request, what="管理后台：干部信息", people=1)
        return response


class PostingEventInline(ReadOnlyInline):
    model = PostingEvent
    fields = ["at", "action", "actor", "actor_role", "from_state", "to_state", "note"]


class PostingActionForm(helpers.ActionForm):
    """The changelist's action bar, with the optional note of 资格审查通过, 审核同意 and 审核备案."""

    action_note = forms.CharField(label="说明（可不填）", required=False, max_length=500)


def action_name(transition: Transition) -> str:
    return f"{transition.name}_selected"


def _transition_action(transition: Transition):
    def take(modeladmin, request, queryset):
        return modeladmin.take_transition(request, queryset, transition)

    take.__name__ = action_name(transition)
    return admin.action(description=f"{transition.label}（所选人选）")(take)


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    """Read only: states change through secretaries.services, from the pages or the actions."""

    list_display = ["cadre", "unit", "campaign", "state", "county", "village", "start_date", "end_date"]
    list_filter = ["state", "campaign", "unit__level"]
    search_fields = ["cadre__name", "cadre__id_number", "unit__name", "village__name"]
    list_select_related = ["cadre", "unit", "campaign", "county", "village"]
    inlines = [PostingEventInline]
    action_form = PostingActionForm
    actions = [_transition_action(t) for t in TRANSITIONS.values()]
    transition_template = "admin/secretaries/posting/transition.html"

    def get_actions(self, request):
        # A step is offered only to a role that holds its capability. Django refuses an action it
        # does not offer, so a forged POST of another role's step runs nothing.
        actions = super().get_actions(request)
        for t in TRANSITIONS.values():
            if not can(request.user, t.capability):
                actions.pop(action_name(t), None)
        return actions

    def take_transition(self, request, queryset, transition: Transition):
        postings = list(queryset.select_related("cadre", "unit__region", "campaign", "county").order_by("cadre__name", "pk"))
        if request.POST.get("select_across", "0") == "0":
            # The changelist's queryset is the user's scope: a selected id outside it is not there.
            missing = len(set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))) - len(postings)
            if missing:
                self.message_user(request, f"{missing} 条所选记录不存在或不在您的管辖范围内，未予办理。", messages.ERROR)
            if not postings:
                return None
        if transition.admin_form is None:
            note = request.POST.get("action_note", "").strip() or ADMIN_NOTE
            return self._decide(request, transition, postings, {"note": note})
        data = request.POST if "apply" in request.POST else None
        if data is None:
            # Before asking for input: those the step cannot be taken on now (their state, another
            # unit's or county's) are reported at once and left off the page. The service decides
            # the rest again when the page is submitted.
            refusals = {p.pk: transition.refusal(request.user, p) for p in postings}
            for posting in postings:
                if refusals[posting.pk] is not None:
                    self.message_user(request, f"{posting.cadre.name}：未能{transition.label}：{refusals[posting.pk]}", messages.ERROR)
            postings = [p for p in postings if refusals[p.pk] is None]
            if not postings:
                return None
        if transition.one_at_a_time and len(postings) != 1:
            self.message_user(request, f"“{transition.label}”须逐人办理，请只选择一人。", messages.ERROR)
            return None
        form = transition.make_form(postings, data, form_class=transition.admin_form, label_suffix="")
        if form.is_bound and form.is_valid():
            return self._decide(request, transition, postings, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}：{len(postings)} 人",
            "opts": self.model._meta,
            "transition": transition,
            "action": action_name(transition),
            "postings": postings,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.transition_template, context)

    def _decide(self, request, transition: Transition, postings: list[Posting], arguments: dict) -> None:
        """Each posting through the service, in its own transaction: one refusal holds up no other."""
        done = []
        for posting in postings:
            try:
                services.posting_perform(action=transition.name, posting=posting, by=request.user, arguments=arguments)
            except (TransitionRefused, Posting.DoesNotExist) as e:
                self.message_user(request, f"{posting.cadre.name}：未能{transition.label}：{e}", messages.ERROR)
            else:
                done.append(posting.cadre.name)
        if done:
            self.message_user(request, f"已{transition.label} {len(done)} 人：{'、'.join(done)}。", messages.SUCCESS)


@admin.register(PostingEvent)
class PostingEventAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, edits or deletes an event here (the model refuses it too)."""

    list_display = ["at", "posting", "action", "actor", "actor_role", "from_state", "to_state"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["posting__cadre", "actor"]
