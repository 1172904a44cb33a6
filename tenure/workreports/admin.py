"""Read-only, scoped admin views of the 述职 reports, their hearings and their log."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from tenure.workreports.models import WorkReport, WorkReportEvent, WorkReportHearing


class HearingInline(ReadOnlyInline):
    model = WorkReportHearing
    fields = ["level", "heard_on", "listeners", "remarks", "recorded_by", "recorded_at"]


class EventInline(ReadOnlyInline):
    model = WorkReportEvent
    fields = ["at", "actor", "actor_role", "action", "from_state", "to_state", "note"]


@admin.register(WorkReport)
class WorkReportAdmin(ReadOnlyAdmin):
    list_display = ["posting", "year", "period", "state", "submitted_at"]
    list_filter = ["period", "state", "year"]
    list_select_related = ["posting__cadre"]
    inlines = [HearingInline, EventInline]
