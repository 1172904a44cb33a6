from core.import_views import ImportPages
from villages.resources import VillageResource

village_import = ImportPages(
    resource_class=VillageResource,
    permission="villages.import_village",
    namespace="villages",
    title="导入村名单",
    item="个村",
    key_label="统计用区划代码",
    help_template="villages/import_help.html",
)

urlpatterns = village_import.urlpatterns()
