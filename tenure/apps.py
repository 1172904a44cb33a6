from django.apps import AppConfig


class TenureConfig(AppConfig):
    """The two years in office: presence, leave, 民情日记, inspections (notice §四, §五)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tenure"
    verbose_name = "驻村管理"

    def ready(self) -> None:
        # Navigation and 待办 entries are registered here once the pages exist.
        from core.navigation import NavItem, register_nav, register_todo
        from dispatch import roles
        from secretaries.services import postings_transitioned
        from tenure.accounts import account_todos, on_postings_transitioned

        # t3: secretaries' accounts, opened and closed with the posting's steps.
        postings_transitioned.connect(on_postings_transitioned, dispatch_uid="tenure_accounts")
        register_nav(NavItem("第一书记账号", "tenure:accounts", roles.TENURE_MANAGE_ACCOUNTS, order=62))
        register_todo(account_todos)
