"""The administrator's pages of the time in office: the working-day calendar for years the
package lacks (or corrections), the leave approval rules; and read-only, scoped views of leave,
official absences and confirmed months with their logs."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from tenure.calendar import calendar_confirm_by_package, package_covers, year_status
from tenure.models import (
    CalendarDay,
    CalendarYear,
    LeaveApprovalRule,
    LeaveEvent,
    LeaveRequest,
    OfficialAbsence,
    PresenceMonth,
    PresenceMonthEvent,
)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "complete", "status", "note", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    fields = ["year", "complete", "note", "entered_by", "entered_at"]

    @admin.display(description="日历来源")
    def status(self, obj):
        return year_status(obj.year)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_working_day", "name", "source", "entered_by"]
    list_filter = ["is_working_day", "confirmed_by_package"]
    date_hierarchy = "date"
    readonly_fields = ["confirmed_by_package", "entered_by", "entered_at"]
    fields = ["date", "is_working_day", "name", "confirmed_by_package", "entered_by", "entered_at"]
    actions = ["confirm_by_package"]

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]

    @admin.display(description="来源")
    def source(self, obj):
        if obj.confirmed_by_package:
            return "日历包已确认"
        return "手工录入（数据包未覆盖该年）" if not package_covers(obj.date.year) else "手工录入（更正数据包）"

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        if change and "is_working_day" in form.changed_data:
            obj.confirmed_by_package = False  # a changed day is the administrator's again
        super().save_model(request, obj, form, change)

    @admin.action(description="与节假日数据包核对，一致的标记为“日历包已确认”")
    def confirm_by_package(self, request, queryset):
        result = calendar_confirm_by_package(days=queryset)
        messages.success(request, f"已确认 {len(result.confirmed)} 天。")
        if result.disagreeing:
            days = "、".join(f"{d:%Y-%m-%d}" for d in result.disagreeing)
            messages.warning(request, f"与数据包不一致、仍以手工录入为准：{days}")
        if result.uncovered:
            messages.info(request, f"数据包尚未覆盖：{len(result.uncovered)} 天。")


@admin.register(LeaveApprovalRule)
class LeaveApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_working_days", "approver_role", "inform_unit"]


class LeaveEventInline(ReadOnlyInline):
    model = LeaveEvent
    fields = ["at", "actor", "actor_role", "action", "from_state", "to_state", "note"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["posting", "kind", "start_date", "end_date", "working_days", "approver_role", "state", "days_taken"]
    list_filter = ["state", "kind", "approver_role"]
    inlines = [LeaveEventInline]


@admin.register(OfficialAbsence)
class OfficialAbsenceAdmin(ReadOnlyAdmin):
    list_display = ["posting", "kind", "start_date", "end_date", "reason", "recorded_by"]
    list_filter = ["kind"]


class PresenceMonthEventInline(ReadOnlyInline):
    model = PresenceMonthEvent
    fields = ["at", "actor", "actor_role", "action", "from_state", "to_state", "figures", "note"]


@admin.register(PresenceMonth)
class PresenceMonthAdmin(ReadOnlyAdmin):
    list_display = [
        "posting",
        "year",
        "month",
        "state",
        "working_days",
        "in_village_days",
        "official_absence_days",
        "leave_days",
        "unexplained_days",
    ]
    list_filter = ["state", "year"]
    inlines = [PresenceMonthEventInline]


# The packages' own admin modules (Django autodiscovers tenure.admin only).
import tenure.allowances.admin  # noqa: E402,F401
import tenure.assessments.admin  # noqa: E402, F401
import tenure.care.admin  # noqa: E402, F401
import tenure.teams.admin  # noqa: E402, F401
import tenure.workreports.admin  # noqa: E402,F401
