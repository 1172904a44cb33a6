from django.urls import path

from villages import import_views

urlpatterns = [
    path("", import_views.upload, name="import"),
    path("history/", import_views.history, name="import_history"),
    path("<int:batch_id>/", import_views.preview, name="import_preview"),
    path("<int:batch_id>/confirm/", import_views.confirm, name="import_confirm"),
    path("<int:batch_id>/file/", import_views.download, name="import_download"),
]
