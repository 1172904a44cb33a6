"""Admin pieces every app uses: scoped changelists, read-only pages and inlines for logs; and
the import batches' own read-only page."""

import tablib
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.utils import timezone
from import_export.formats import base_formats
from import_export.forms import ImportForm

from core.models import ImportBatch, LoginFailure, LoginLock, LoginRecord
from core.params import parse_id
from core.spreadsheets import FileRefused, read_rows, too_large


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted value up to show it again; a value that
    is no key of the related table (a forged ?unit=²) would raise there. Such a value is shown
    as nothing, and the form says the field is wrong."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        kept = []
        for v in value:
            try:
                target.to_python(v)
            except ValidationError:
                continue
            if not (isinstance(v, str) and target.get_internal_type().endswith("AutoField") and parse_id(v) is None):
                kept.append(v)
        return super().optgroups(name, kept, attr)


class ScopedAdminMixin:
    """Admin pages show only what the scoping rule lets the user see, like every other page; and
    odd values in their query string are refused, not answered with a server error."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """An add page prefilled from the query string (?unit=3) ignores a related field whose
        value is no row id (Django would raise on ?unit=²)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            values = value if isinstance(value, list) else [value]
            if field.is_relation and any(parse_id(v) is None for v in values):
                del initial[name]
        return initial

    def get_export_queryset(self, request):
        """django-import-export's export reads the list's filters from the query string; one the
        list does not know is a bad request (400), as the list itself says."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest("导出条件有误：请从列表页重新筛选后导出。") from error


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A log shown under its object (a posting's or a submission's events): read only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "created_by",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
    ]
    list_filter = ["kind", "status"]
    exclude = ["errors"]


class LoginRecordsAdmin(admin.ModelAdmin):
    """Login records: read by the administrator, written only by the login itself."""

    list_display = ["attempt_time_display", "username_display", "address_display", "path_display"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = list_display
    readonly_fields = list_display

    @admin.display(description="时间", ordering="attempt_time")
    def attempt_time_display(self, obj):
        return timezone.localtime(obj.attempt_time).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="用户名", ordering="username")
    def username_display(self, obj):
        return obj.username

    @admin.display(description="来源地址", ordering="ip_address")
    def address_display(self, obj):
        return obj.ip_address

    @admin.display(description="登录页面")
    def path_display(self, obj):
        return "管理后台" if obj.path_info.startswith("/admin") else "系统登录页"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginRecord)
class LoginRecordAdmin(LoginRecordsAdmin):
    list_display = [*LoginRecordsAdmin.list_display, "logout_display"]
    fields = readonly_fields = list_display

    @admin.display(description="退出时间")
    def logout_display(self, obj):
        return timezone.localtime(obj.logout_time).strftime("%Y-%m-%d %H:%M:%S") if obj.logout_time else "—"


@admin.register(LoginFailure)
class LoginFailureAdmin(LoginRecordsAdmin):
    list_display = [*LoginRecordsAdmin.list_display, "locked_display"]
    fields = readonly_fields = list_display

    @admin.display(description="导致锁定", boolean=True)
    def locked_display(self, obj):
        return obj.locked_out


@admin.register(LoginLock)
class LoginLockAdmin(LoginRecordsAdmin):
    """Who is locked out now, and the administrator's 解除锁定."""

    list_display = [*LoginRecordsAdmin.list_display, "failures_display", "until_display"]
    fields = readonly_fields = list_display
    actions = ["unlock"]

    @admin.display(description="连续失败次数", ordering="failures_since_start")
    def failures_display(self, obj):
        return obj.failures_since_start

    @admin.display(description="锁定至")
    def until_display(self, obj):
        if obj.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return "未锁定"
        until = obj.attempt_time + settings.AXES_COOLOFF_TIME
        if until <= timezone.now():
            return "已到期"
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("core.delete_loginlock")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="解除锁定（清除所选记录的失败次数）", permissions=["delete"])
    def unlock(self, request, queryset):
        names = sorted({f"{a.username}（{a.ip_address}）" for a in queryset})
        count, _ = queryset.delete()
        self.message_user(request, f"已解除 {len(names)} 项锁定：{'、'.join(names)}。", messages.SUCCESS)


# --- the admin's spreadsheet imports (django-import-export) ---------------------------------
# Its own readers (tablib) load a whole workbook, padded to whatever it declares. These read
# through core.spreadsheets instead, with the same refusals as the import pages.


class CheckedImportForm(ImportForm):
    """The admin's import form, refusing a hostile or unreadable file before anything is
    stored (import-export writes the upload to a temporary file right after the form)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise ValidationError(str(too_large(upload.size)))
        try:
            read_rows(upload.read())
        except FileRefused as e:
            raise ValidationError(str(e)) from None
        finally:
            upload.seek(0)
        return upload


def _checked_dataset(data: bytes) -> tablib.Dataset:
    _, rows = read_rows(data)
    values = [list(v) for _, v in rows]
    width = max((len(v) for v in values), default=0)
    dataset = tablib.Dataset()
    if values:
        dataset.headers = [*values[0], *[None] * (width - len(values[0]))]
        for v in values[1:]:
            dataset.append([*v, *[None] * (width - len(v))])
    return dataset


class CheckedXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return _checked_dataset(in_stream)


class CheckedCSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        return _checked_dataset(in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8"))

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True


class CheckedImportAdminMixin:
    """For an ImportExportModelAdmin: the checked form and readers, and their Chinese refusal
    shown as it is (import-export would name the exception's class instead)."""

    import_form_class = CheckedImportForm
    formats = [CheckedXLSX, CheckedCSV]
    # Exports are import-export's own writers (their rows are escaped by the resources).
    export_formats = [base_formats.XLSX, base_formats.CSV]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
