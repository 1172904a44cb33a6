"""Read-only, scoped admin views of care and training records and their log: they are written
through tenure.care.services only (the pages), never edited here."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from tenure.care.models import CareEvent, HealthCheck, Insurance, Training


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["posting", "kind", "title", "organiser", "start_date", "end_date", "hours", "recorded_by"]
    list_filter = ["kind"]


@admin.register(HealthCheck)
class HealthCheckAdmin(ReadOnlyAdmin):
    list_display = ["posting", "year", "done", "date", "note", "recorded_by"]
    list_filter = ["year", "done"]


@admin.register(Insurance)
class InsuranceAdmin(ReadOnlyAdmin):
    list_display = ["posting", "insurer", "policy_number", "start_date", "end_date", "sum_insured", "recorded_by"]


@admin.register(CareEvent)
class CareEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "posting", "action", "actor", "actor_role", "details"]
    list_filter = ["action"]
