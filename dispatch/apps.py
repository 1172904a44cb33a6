from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DispatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dispatch"
    verbose_name = "选派管理"

    def ready(self) -> None:
        from core.jobs import register_job_kind
        from core.navigation import NavItem, register_nav
        from dispatch import roles
        from villages.exports import village_export_job

        # The villages app's pages: its entries are registered here, where the capability table
        # is, because villages imports nothing of dispatch.
        register_nav(NavItem("村庄", "villages:list", roles.VIEW_VILLAGES, order=20))
        register_nav(NavItem("两类村汇总", "villages:summary", roles.VIEW_VILLAGES, order=21))
        register_nav(NavItem("村名单导入", "villages:import", roles.IMPORT_VILLAGES, order=22))
        register_nav(NavItem("派出单位", "units:list", roles.VIEW_UNITS, order=30))
        register_nav(NavItem("名额分配", "quotas:matrix", roles.VIEW_QUOTAS, order=31))
        register_nav(NavItem("覆盖计划", "coverage:plan", roles.VIEW_COVERAGE, order=32))
        register_job_kind(village_export_job(roles.EXPORT_VILLAGES))
        # 我的导出 (core.job_views): the background exports of those who may start one.
        register_nav(NavItem("我的导出", "jobs:list", roles.VIEW_OWN_EXPORTS, order=95))
        register_nav(NavItem("审计记录", "audit:trail", roles.VIEW_AUDIT, order=90))
        register_nav(NavItem("个人信息查看记录", "audit:access", roles.VIEW_AUDIT, order=91))

        # Permissions are created by django.contrib.auth after every migrate, app by app; the role
        # groups are brought in line once the last app has its permissions (see the handler).
        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="sync_role_groups")
