"""URLs of the end of the term (see tenure/urls.py)."""

from django.urls import path

from tenure.term import views

urlpatterns = [
    path("term/", views.term_overview, name="term"),
    path("term/<int:posting_id>/consent/", views.extension_consent, name="extension_consent"),
]
