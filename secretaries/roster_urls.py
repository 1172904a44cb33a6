from django.urls import include, path

from dispatch import roles
from secretaries import roster_views
from secretaries.roster_resources import RosterResource

app_name = "roster"

roster_import = roster_views.RosterImportPages(
    resource_class=RosterResource,
    capability=roles.IMPORT_ROSTER,
    history_capability=roles.VIEW_IMPORT_HISTORY,
    namespace="roster",
    title="导入报名人员名单",
    item="人",
    key_label="身份证号",
    export=("roster:export", "导出本单位报名人员名单", roles.EXPORT_ROSTER),
)

urlpatterns: list = [
    path("export/", roster_views.roster_export, name="export"),
    path("import/", include(roster_import.urlpatterns())),
]
