from django.apps import AppConfig


class VillagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villages"
    verbose_name = "区划与村"

    def ready(self) -> None:
        # navigation.py imports no models, so villages still depends on nothing in dispatch.
        from dispatch.navigation import NavItem, register_nav

        register_nav(NavItem("村庄", "villages:list", order=20))
        register_nav(NavItem("两类村汇总", "villages:summary", order=21))
        register_nav(NavItem("村名单导入", "villages:import", permission="villages.import_village", order=22))
