from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "台账与统计"

    def ready(self) -> None:
        from reports import annex_views, dashboard_views, submission_views

        annex_views.register()
        submission_views.register()
        dashboard_views.register()
