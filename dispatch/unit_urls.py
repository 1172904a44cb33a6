from django.urls import include, path

from core.import_views import ImportPages
from dispatch import roles, unit_views
from dispatch.unit_resources import DispatchingUnitResource

app_name = "units"

unit_import = ImportPages(
    resource_class=DispatchingUnitResource,
    capability=roles.IMPORT_UNITS,
    history_capability=roles.VIEW_IMPORT_HISTORY,
    namespace="units",
    title="导入派出单位",
    item="个单位",
    key_label="单位",
    export=("units:export", "导出派出单位名单", roles.EXPORT_UNITS),
)

urlpatterns: list = [
    path("", unit_views.unit_list, name="list"),
    path("export/", unit_views.unit_export, name="export"),
    path("<int:pk>/", unit_views.unit_detail, name="detail"),
    path("import/", include(unit_import.urlpatterns())),
]
