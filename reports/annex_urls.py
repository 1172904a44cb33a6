from django.urls import path, re_path

from reports import annex_views

app_name = "annexes"
urlpatterns = [
    path("", annex_views.index, name="index"),
    re_path(r"^(?P<annex>[134])/$", annex_views.annex_page, name="annex"),
    re_path(r"^(?P<annex>[134])/xlsx/$", annex_views.annex_xlsx, name="xlsx"),
]
