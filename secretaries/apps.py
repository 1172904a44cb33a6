from django.apps import AppConfig


class SecretariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "secretaries"
    verbose_name = "干部与选派"
