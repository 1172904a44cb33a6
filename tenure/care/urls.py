"""URLs of care and training (see tenure/urls.py)."""

from django.urls import path

from tenure.care import views

urlpatterns = [
    path("care/", views.care_list, name="care_list"),
    path("care/training/new/", views.training_new, name="training_new"),
    path("care/health/new/", views.health_check_new, name="health_check_new"),
    path("care/insurance/new/", views.insurance_new, name="insurance_new"),
]
