"""The village registry's URLs, built for the capabilities the project gives them: villages
imports no app above it, so dispatch/village_urls.py mounts these with the capability table's
entries (as dispatch/apps.py registers their menu entries)."""

from django.urls import include, path

from core.import_views import ImportPages
from core.navigation import Capability
from villages.resources import VillageResource
from villages.views import VillagePages


def village_urlpatterns(*, view: Capability, export: Capability, import_: Capability, history: Capability) -> list:
    pages = VillagePages(view=view, export=export)
    village_import = ImportPages(
        resource_class=VillageResource,
        capability=import_,
        history_capability=history,
        namespace="villages",
        title="导入村名单",
        item="个村",
        key_label="统计用区划代码",
        help_template="villages/import_help.html",
        export=("villages:export", "导出村名单", export),
    )
    return [*pages.urlpatterns(), path("import/", include(village_import.urlpatterns()))]
