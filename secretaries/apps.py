from django.apps import AppConfig


class SecretariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "secretaries"
    verbose_name = "干部与选派"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav, register_todo
        from dispatch import roles
        from secretaries.selectors import posting_todos

        register_nav(NavItem("选派人选", "secretaries:list", roles.VIEW_POSTINGS, order=40))
        register_nav(NavItem("报名名单导入", "roster:import", roles.IMPORT_ROSTER, order=41))
        register_todo(posting_todos)
