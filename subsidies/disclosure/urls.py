"""Public disclosure URLs, included from portal/urls.py under ``public/``: codes and years,
never database ids."""

from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:township>/", views.township, name="township"),
    path("<str:township>/<str:village>/<year:year>/", views.village_year, name="village-year"),
]
