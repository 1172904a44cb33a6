from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery (scope, navigation, events, imports, exports); imports no app of ours."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "导入记录"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import health, jobs
        from core.security import start_session_clock

        health.CHECKS["tasks"] = jobs.queue_health

        user_logged_in.connect(start_session_clock, dispatch_uid="core.start_session_clock")
