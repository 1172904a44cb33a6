from django.urls import include, path, re_path

from villages import views

app_name = "villages"

urlpatterns: list = [
    path("", views.village_list, name="list"),
    path("export/", views.village_export, name="export"),
    path("summary/", views.county_summary, name="summary"),
    # A village is addressed by its 12-digit 统计用区划代码.
    re_path(r"^(?P<code>[0-9]{12})/$", views.village_detail, name="detail"),
    # The village-list import (villages/import_views.py) keeps its own routes.
    path("import/", include("villages.import_urls")),
]
