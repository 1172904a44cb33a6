from django.urls import path

from reports import submission_views as views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_new, name="new"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/files/<str:kind>/", views.submission_file, name="file"),
    path("<int:pk>/withdraw/", views.submission_withdraw, name="withdraw"),
    path("<int:pk>/<str:action>/", views.submission_decide, name="decide"),
]
