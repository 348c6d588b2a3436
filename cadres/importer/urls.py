from django.urls import path

from . import views

app_name = "importer"

urlpatterns = [
    path("", views.ImportView.as_view(), name="import-list"),
    path("template.xlsx", views.import_template, name="import-template"),
    path("<pk:pk>/", views.ImportJobDetailView.as_view(), name="import-detail"),
    path("<pk:pk>/progress/", views.import_job_progress_view, name="import-progress"),
    path("<pk:pk>/report.csv", views.import_job_report, name="import-report"),
]
