"""The administrator's allowance pages: the floor and the rates (added through the services,
never edited: a new rate from a later month replaces one), and read-only statements and lines."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from tenure.allowances import services
from tenure.allowances.forms import FloorAdminForm, RateAdminForm
from tenure.allowances.models import AllowanceFloor, AllowanceLine, AllowanceRate, AllowanceStatement, AllowanceStatementEvent


class _AddOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AllowanceFloor)
class AllowanceFloorAdmin(_AddOnlyAdmin):
    form = FloorAdminForm
    list_display = ["valid_from", "living_daily_min", "basis", "set_by", "set_at"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.floor_set(
            valid_from=data["valid_from"], living_daily_min=data["living_daily_min"], basis=data["basis"], by=request.user
        )
        obj.pk = saved.pk


@admin.register(AllowanceRate)
class AllowanceRateAdmin(_AddOnlyAdmin):
    form = RateAdminForm
    list_display = ["campaign", "unit_level", "valid_from", "living_daily", "transport_daily", "communication_daily", "set_by", "set_at"]
    list_filter = ["campaign", "unit_level"]

    def save_model(self, request, obj, form, change):
        saved = services.rate_set(by=request.user, **{name: form.cleaned_data[name] for name in RateAdminForm.Meta.fields})
        obj.pk = saved.pk


class LineInline(ReadOnlyInline):
    model = AllowanceLine
    fields = [
        "posting",
        "year",
        "month",
        "kind",
        "days",
        "living_daily",
        "transport_daily",
        "communication_daily",
        "gross",
        "previously",
        "amount",
    ]


class EventInline(ReadOnlyInline):
    model = AllowanceStatementEvent
    fields = ["at", "actor", "actor_role", "action", "from_state", "to_state", "note"]


@admin.register(AllowanceStatement)
class AllowanceStatementAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "month", "state", "paid_on", "prepared_by"]
    list_filter = ["state", "year"]
    inlines = [LineInline, EventInline]


@admin.register(AllowanceLine)
class AllowanceLineAdmin(ReadOnlyAdmin):
    list_display = ["posting", "year", "month", "kind", "days", "gross", "previously", "amount", "statement"]
    list_filter = ["kind", "year"]
    list_select_related = ["posting__cadre", "statement__unit"]
