from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/add/", views.PersonFormView.as_view(), name="person-add"),
    path("people/<pk:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<pk:pk>/edit/", views.PersonFormView.as_view(), name="person-edit"),
    path("posts/add/", views.PostFormView.as_view(), name="post-add"),
    path("posts/<pk:pk>/edit/", views.PostFormView.as_view(), name="post-edit"),
    path("posts/<pk:pk>/end/", views.PostEndView.as_view(), name="post-end"),
    path("appraisals/add/", views.AppraisalFormView.as_view(), name="appraisal-add"),
    path("assessments/add/", views.AssessmentFormView.as_view(), name="assessment-add"),
    path("health-checks/add/", views.HealthCheckFormView.as_view(), name="health-check-add"),
]
