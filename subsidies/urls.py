from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.RunListView.as_view(), name="run-list"),
    path("compute/", views.ComputeMonthView.as_view(), name="compute-month"),
    path("months/<month:month>/", views.MonthView.as_view(), name="month"),
    path(
        "months/<month:month>/progress/", views.MonthProgressView.as_view(), name="month-progress"
    ),
    path("runs/<pk:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("runs/<pk:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("runs/<pk:pk>/<str:action>/", views.RunActionView.as_view(), name="run-action"),
    path("slips/", views.PaySlipView.as_view(), name="my-slips"),
    path("slips/<pk:pk>/", views.PaySlipView.as_view(), name="pay-slips"),
    path("policy/", views.PolicyListView.as_view(), name="policy-list"),
    path("policy/add/", views.PolicyFormView.as_view(), name="policy-add"),
    path("policy/<pk:pk>/edit/", views.PolicyFormView.as_view(), name="policy-edit"),
    path("policy/standards/add/", views.StandardFormView.as_view(), name="standard-add"),
    path("policy/income/add/", views.RuralIncomeFormView.as_view(), name="income-add"),
    path("floor/", views.FloorReportView.as_view(), name="floor-report"),
    path("floor/<year:year>/", views.FloorReportView.as_view(), name="floor-report-year"),
]
