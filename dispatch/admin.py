from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from import_export.admin import ImportExportModelAdmin

from core.admin import CheckedImportAdminMixin, ScopedAdminMixin
from dispatch import quota_admin  # noqa: F401  (registers the quota admin)
from dispatch.models import Campaign, DispatchingUnit, User
from dispatch.services import (
    UNIT_FIELDS,
    UnitsRefused,
    campaign_set_current,
    units_create,
    units_update,
    units_validate,
    user_set_role,
)
from dispatch.unit_resources import DispatchingUnitResource


class DispatchingUnitForm(forms.ModelForm):
    """Refuses what the units service would refuse (scope, a name its region has), as field
    errors; ``user`` is the admin's request user (DispatchingUnitAdmin.get_form)."""

    user = None

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            probe = DispatchingUnit(pk=self.instance.pk, **{f: cleaned.get(f) for f in UNIT_FIELDS})
            try:
                units_validate(units=[probe], by=self.user)
            except UnitsRefused as refused:
                for field, messages in refused.errors[0].items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(DispatchingUnit)
class DispatchingUnitAdmin(CheckedImportAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    """Import and export run through DispatchingUnitResource: the same checks, scope and
    confirm as the units' import page."""

    resource_classes = [DispatchingUnitResource]
    form = DispatchingUnitForm
    # The export always has the import's columns (so it imports back): no field picker.
    skip_export_form = True
    list_display = ["name", "level", "kind", "region", "is_agriculture_related"]
    list_filter = ["level", "kind", "is_agriculture_related"]
    search_fields = ["name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    def get_form(self, request, obj=None, **kwargs):
        return type("DispatchingUnitForm", (super().get_form(request, obj, **kwargs),), {"user": request.user})

    def save_model(self, request, obj, form, change):
        # The form has asked the service's checks; the service asks them again as it writes.
        values = {field: getattr(obj, field) for field in UNIT_FIELDS}
        if change:
            units_update(changes=[(obj, values)], by=request.user)
        else:
            (created,) = units_create(rows=[values], by=request.user)
            obj.pk = created.pk


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # Campaigns are public reference data: every user with a scope reads all of them.
    list_display = ["name", "year", "notice_number", "term_years", "arrival_deadline", "ledger_deadline", "is_open", "is_current"]
    list_filter = ["is_open", "is_current"]
    search_fields = ["name", "notice_number"]
    # Which campaign is current changes only through the action (the service keeps it to one).
    readonly_fields = ["is_current"]
    actions = ["make_current"]

    @admin.action(description="设为当前批次", permissions=["change"])
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个批次设为当前批次。", messages.ERROR)
            return
        campaign = campaign_set_current(campaign=queryset.get())
        self.message_user(request, f"已将“{campaign}”设为当前批次。", messages.SUCCESS)


class UserRoleForm(forms.ModelForm):
    """Checks role and scope together, with the same rules as the service, before saving."""

    def clean(self):
        cleaned = super().clean()
        probe = User(role=cleaned.get("role") or "", region=cleaned.get("region"), unit=cleaned.get("unit"))
        try:
            probe.clean()
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    form = type("UserChangeForm", (UserRoleForm, DjangoUserAdmin.form), {})
    add_form = type("UserCreationForm", (UserRoleForm, DjangoUserAdmin.add_form), {})
    list_display = ["username", "full_name", "role", "region", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    list_select_related = ["region", "unit"]
    autocomplete_fields = ["region", "unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "phone", "email"]}),
        (
            "角色与范围",
            {"fields": ["role", "region", "unit"], "description": "每个用户一个角色：派出单位用户指定单位，其他角色指定管辖区域。"},
        ),
        ("状态", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        ("角色与范围", {"fields": ["full_name", "role", "region", "unit"]}),
    ]
    # Groups follow the role (dispatch.roles); they are shown, never picked by hand.
    readonly_fields = ["groups", "last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_set_role(user=obj, role=obj.role, region=obj.region, unit=obj.unit, admin_access=obj.is_staff)
