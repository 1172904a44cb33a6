"""The administrator's pages of the assessments and the end of the term: the 优秀 share per
campaign (editable); assessments, 民主评议, their log and the units' consents to 留任 read only,
scoped."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from tenure.assessments.models import Assessment, AssessmentEvent, AssessmentSetting, DemocraticEvaluation
from tenure.term.models import ExtensionConsent


@admin.register(AssessmentSetting)
class AssessmentSettingAdmin(admin.ModelAdmin):
    list_display = ["campaign", "excellent_share"]


class AssessmentEventInline(ReadOnlyInline):
    model = AssessmentEvent
    fk_name = "assessment"
    fields = ["at", "actor", "actor_role", "action", "note"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["posting", "kind", "period_start", "period_end", "grade", "recorded_by", "acknowledged_at"]
    list_filter = ["kind", "grade"]
    inlines = [AssessmentEventInline]


@admin.register(DemocraticEvaluation)
class DemocraticEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["posting", "date", "participants", "satisfied", "basically_satisfied", "dissatisfied", "recorded_by"]


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "posting", "action", "actor", "actor_role", "note"]
    list_filter = ["action"]


@admin.register(ExtensionConsent)
class ExtensionConsentAdmin(ReadOnlyAdmin):
    list_display = ["at", "posting", "new_end_date", "actor", "note"]
