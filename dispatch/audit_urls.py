from django.urls import path

from dispatch import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.audit_trail, name="trail"),
    path("access/", audit_views.access_log, name="access"),
]
