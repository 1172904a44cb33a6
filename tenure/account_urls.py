"""URLs of the time in office (see tenure/urls.py): secretaries' accounts."""

from django.urls import path

from tenure import account_views

urlpatterns = [
    path("accounts/", account_views.account_list, name="accounts"),
    path("accounts/<int:pk>/password/", account_views.account_password, name="account_password"),
]
