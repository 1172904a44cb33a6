"""URLs of the 述职 reports (see tenure/urls.py)."""

from django.urls import path

from tenure.workreports import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/hear/", views.report_hear, name="report_hear"),
]
