"""Ledger pages and downloads, included from portal/urls.py under ``payroll/ledgers/``."""

from django.urls import path

from . import export_views as views

app_name = "ledgers"

urlpatterns = [
    path("", views.LedgerIndexView.as_view(), name="index"),
    path("exports/", views.LedgerExportListView.as_view(), name="export-list"),
    path("runs/<pk:pk>/<str:fmt>/", views.RunDownloadView.as_view(), name="run-download"),
    path("<month:month>/", views.LedgerMonthView.as_view(), name="month"),
    path("<month:month>/<str:fmt>/", views.MonthDownloadView.as_view(), name="month-download"),
]
