"""URLs of the assessments (see tenure/urls.py)."""

from django.urls import path

from tenure.assessments import views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/acknowledge/", views.assessment_acknowledge_view, name="assessment_acknowledge"),
    path("assessments/evaluations/new/", views.evaluation_new, name="evaluation_new"),
]
