"""URLs of the time in office (see tenure/urls.py)."""

urlpatterns = []
