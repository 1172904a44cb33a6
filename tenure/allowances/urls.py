"""URLs of the allowances (see tenure/urls.py)."""

from django.urls import path

from tenure.allowances import views

urlpatterns = [
    path("allowances/", views.allowance_index, name="allowances"),
    path("allowances/prepare/", views.statement_prepare, name="statement_prepare"),
    path("allowances/statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("allowances/statements/<int:pk>/paid/", views.statement_paid, name="statement_paid"),
    path("allowances/statements/<int:pk>/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("allowances/year/", views.year_page, name="allowance_year"),
    path("allowances/year/xlsx/", views.year_xlsx, name="allowance_year_xlsx"),
]
