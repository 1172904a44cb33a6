from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from reports.models import CountyDeadline, Submission, SubmissionEvent


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
    """Submissions change only through reports.submissions (the pages); here they are read."""

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
