"""我的导出 (core.job_views), mounted at /exports/ by the project's URLs."""

from django.urls import path

from core import job_views

app_name = "jobs"
urlpatterns = [
    path("", job_views.job_list, name="list"),
    path("start/", job_views.start, name="start"),
    path("<int:pk>/", job_views.detail, name="detail"),
    path("<int:pk>/status/", job_views.status, name="status"),
    path("<int:pk>/file/", job_views.download, name="download"),
]
