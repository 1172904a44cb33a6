from django.urls import path

from dispatch import coverage_views

app_name = "coverage"

urlpatterns: list = [
    path("", coverage_views.coverage_plan_view, name="plan"),
]
