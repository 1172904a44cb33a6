"""URLs of the 驻村工作组 (see tenure/urls.py)."""

from django.urls import path

from tenure.teams import views

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/join/", views.team_join, name="team_join"),
    path("teams/<int:pk>/dissolve/", views.team_dissolve, name="team_dissolve"),
    path("teams/members/<int:pk>/leave/", views.member_leave, name="member_leave"),
]
