from django.apps import AppConfig


class TenureConfig(AppConfig):
    """The two years in office: presence, leave, 民情日记, inspections (notice §四, §五)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tenure"
    verbose_name = "驻村管理"

    def ready(self) -> None:
        # Navigation and 待办 entries are registered here once the pages exist.
        pass
