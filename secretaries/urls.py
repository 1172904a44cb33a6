from django.urls import path

from secretaries import views

app_name = "secretaries"

urlpatterns = [
    path("", views.posting_list, name="list"),
    path("bulk/", views.posting_bulk, name="bulk"),
    path("assign/", views.posting_bulk_assign, name="bulk_assign"),
    path("new/", views.posting_add, name="add"),
    path("<int:pk>/", views.posting_detail, name="detail"),
    path("<int:pk>/assign/", views.posting_assign, name="assign"),
    path("<int:pk>/<str:action>/", views.posting_act, name="act"),
]
