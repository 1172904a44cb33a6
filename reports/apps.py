from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "台账与统计"

    def ready(self) -> None:
        from core.jobs import register_job_kind
        from core.navigation import NavItem, register_home_panel, register_nav, register_todo
        from dispatch import roles
        from reports import annex_jobs, dashboards, selectors

        register_nav(NavItem("统计图表", "dashboard:index", roles.VIEW_DASHBOARD, order=50))
        register_nav(NavItem("台账统计", "annexes:index", roles.VIEW_ANNEXES, order=60))
        register_nav(NavItem("报送", "submissions:list", roles.VIEW_SUBMISSIONS, order=62))
        register_todo(selectors.submission_todos)
        register_home_panel(dashboards.unit_home_panel)
        register_job_kind(annex_jobs.LEDGER_JOB)
