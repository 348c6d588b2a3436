from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.AwardListListView.as_view(), name="award-list"),
    path("prepare/", views.AwardPrepareView.as_view(), name="award-prepare"),
    path("<pk:pk>/", views.AwardDetailView.as_view(), name="award-detail"),
    path("<pk:pk>/<str:action>/", views.AwardActionView.as_view(), name="award-action"),
]
