from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.TrainingHomeView.as_view(), name="home"),
    path("mine/", views.MyTrainingView.as_view(), name="my-training"),
    path("entries/<pk:pk>/evidence/", views.evidence_view, name="evidence"),
    path("entries/<pk:pk>/withdraw/", views.entry_withdraw, name="entry-withdraw"),
    path("queue/", views.VerificationQueueView.as_view(), name="queue"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("other-cadres/", views.OtherCadresView.as_view(), name="other-cadres"),
    path("district/", views.DistrictReportView.as_view(), name="district"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/add/", views.CourseFormView.as_view(), name="course-add"),
    path("courses/<pk:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<pk:pk>/edit/", views.CourseFormView.as_view(), name="course-edit"),
    path("attendance/<pk:pk>/delete/", views.attendance_delete, name="attendance-delete"),
    path("attendance-template.xlsx", views.attendance_template, name="attendance-template"),
]
