from django.urls import include, path

from dispatch import quota_views

app_name = "quotas"

urlpatterns: list = [
    path("", quota_views.quota_matrix, name="matrix"),
    path("export/", quota_views.quota_export, name="export"),
    path("import/", include(quota_views.quota_import.urlpatterns())),
]
