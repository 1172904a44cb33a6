from django.urls import include, path

app_name = "villages"

urlpatterns: list = [
    # The village-list import (villages/import_views.py) keeps its own routes.
    path("import/", include("villages.import_urls")),
]
