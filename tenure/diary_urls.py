"""URLs of the 民情日记, the inspections and the homes of the time in office (see tenure/urls.py)."""

from django.urls import path

from tenure import diary_views, home_views, inspection_views

urlpatterns = [
    path("me/", home_views.my_office, name="my_office"),
    path("secretaries/", home_views.secretary_list, name="secretary_list"),
    path("secretaries/<int:posting_id>/", home_views.secretary_detail, name="secretary_detail"),
    path("diary/", diary_views.diary_list, name="diary_list"),
    path("diary/new/", diary_views.diary_new, name="diary_new"),
    path("diary/<int:pk>/", diary_views.diary_detail, name="diary_detail"),
    path("diary/<int:pk>/edit/", diary_views.diary_edit, name="diary_edit"),
    path("diary/<int:pk>/delete/", diary_views.diary_delete, name="diary_delete"),
    path("diary/summary/<int:posting_id>/", diary_views.diary_summary, name="diary_summary"),
    path("diary/summary/<int:posting_id>/xlsx/", diary_views.diary_summary_xlsx, name="diary_summary_xlsx"),
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_views.inspection_new, name="inspection_new"),
]
