from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DispatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dispatch"
    verbose_name = "选派管理"

    def ready(self) -> None:
        from dispatch.roles import sync_role_groups_after_migrate

        # Permissions are created by django.contrib.auth after every migrate, app by app; the role
        # groups are brought in line once the last app has its permissions (see the handler).
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="sync_role_groups")
