"""The village registry's pages (villages/urls.py), mounted with their capabilities: villages
imports no app above it, so the project hands it the capability table's entries."""

from dispatch import roles
from villages.urls import village_urlpatterns

app_name = "villages"

urlpatterns: list = village_urlpatterns(
    view=roles.VIEW_VILLAGES,
    export=roles.EXPORT_VILLAGES,
    import_=roles.IMPORT_VILLAGES,
    history=roles.VIEW_IMPORT_HISTORY,
)
