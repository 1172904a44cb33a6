from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery (scope, navigation, events, imports, exports); imports no app of ours."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "导入记录"
