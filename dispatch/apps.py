from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DispatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dispatch"
    verbose_name = "选派管理"

    def ready(self) -> None:
        from dispatch.coverage_views import NO_PLAN_ROLES
        from dispatch.models import Role
        from dispatch.navigation import NavItem, register_nav
        from dispatch.roles import sync_role_groups_after_migrate

        register_nav(NavItem("派出单位", "units:list", permission="dispatch.view_dispatchingunit", order=30))
        register_nav(NavItem("名额分配", "quotas:matrix", roles=frozenset(set(Role) - {Role.TOWNSHIP, Role.SECRETARY}), order=31))
        register_nav(NavItem("覆盖计划", "coverage:plan", roles=frozenset(set(Role) - set(NO_PLAN_ROLES)), order=32))

        # Permissions are created by django.contrib.auth after every migrate, app by app; the role
        # groups are brought in line once the last app has its permissions (see the handler).
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="sync_role_groups")
