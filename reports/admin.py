from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from dispatch.roles import VIEW_ANNEXES, can, require
from reports import annex_views
from reports.models import CountyDeadline, Submission, SubmissionEvent
from secretaries.admin import PostingAdmin
from secretaries.models import Posting


@admin.register(CountyDeadline)
class CountyDeadlineAdmin(admin.ModelAdmin):
    """The counties' deadline per campaign; without a row it is the campaign's ledger deadline
    less reports.models.DEFAULT_COUNTY_LEAD_DAYS."""

    list_display = ["campaign", "due_on"]
    list_select_related = ["campaign"]


class SubmissionEventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ["at", "action", "actor", "actor_role", "from_state", "to_state", "note"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Submissions change only through reports.services (the pages); here they are read."""

    list_display = ["region", "level", "campaign", "state", "submitted_at", "submitted_by", "decided_at", "row_count"]
    list_filter = ["state", "level", "campaign"]
    search_fields = ["region__name", "region__code", "signer"]
    list_select_related = ["region", "campaign", "submitted_by"]
    exclude = ["rows", "columns"]
    inlines = [SubmissionEventInline]


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "submission", "action", "actor", "actor_role", "from_state", "to_state"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["submission__region", "actor"]


# The posting changelist exports 附表3 and 附表4 of its user's region, the same workbooks as the
# annex pages (reports.annex_views): the annexes are this app's, so the secretaries app's admin
# is extended here rather than importing reports.
ADMIN_ANNEXES = {"3": "导出附表3 工作台账", "4": "导出附表4 情况统计表"}


class PostingAdminWithAnnexes(PostingAdmin):
    change_list_template = "admin/reports/posting_change_list.html"

    def get_urls(self):
        annex = path("annex/<str:annex>/xlsx/", self.admin_site.admin_view(self.annex_xlsx), name="secretaries_posting_annex_xlsx")
        return [annex, *super().get_urls()]

    def annex_xlsx(self, request, annex: str):
        """The annex page's own .xlsx download: the user's region (a county user its county, the
        province's users the province) and the current campaign, refused without VIEW_ANNEXES."""
        if annex not in ADMIN_ANNEXES:
            raise Http404("没有这个附表。")
        require(request.user, VIEW_ANNEXES)
        return annex_views.annex_xlsx(request, annex)

    def changelist_view(self, request, extra_context=None):
        links = []
        if can(request.user, VIEW_ANNEXES):
            links = [
                {"label": label, "url": reverse(f"{self.admin_site.name}:secretaries_posting_annex_xlsx", args=[n])}
                for n, label in ADMIN_ANNEXES.items()
            ]
        return super().changelist_view(request, {**(extra_context or {}), "annex_links": links})


admin.site.unregister(Posting)
admin.site.register(Posting, PostingAdminWithAnnexes)
