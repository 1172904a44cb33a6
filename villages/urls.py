from django.urls import path

app_name = "villages"

urlpatterns: list = []
