from django.urls import path

from . import views

app_name = "allowance"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("declare/", views.DeclareView.as_view(), name="declare"),
    path("applications/<pk:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("applications/<pk:pk>/opinion/", views.OpinionView.as_view(), name="opinion"),
    path(
        "applications/<pk:pk>/<str:action>/",
        views.ApplicationActionView.as_view(),
        name="application-action",
    ),
    path("scans/<pk:pk>/", views.scan_view, name="scan"),
    path("ledger/", views.GrantListView.as_view(), name="grant-list"),
    path("ledger/export.xlsx", views.GrantExportView.as_view(), name="grant-export"),
]
