from django.urls import include, path
from rest_framework.routers import DefaultRouter

from branches.api import views as branch_views
from cadres.api import views as cadre_views
from subsidies import export_api
from subsidies.allowance import api as allowance_api
from subsidies.api import views as subsidy_views
from subsidies.award import api as award_api
from training.api import views as training_views

from .views import TokenView

router = DefaultRouter()
router.register("townships", branch_views.TownshipViewSet, basename="township")
router.register("villages", branch_views.VillageViewSet, basename="village")
router.register("branches", branch_views.BranchViewSet, basename="branch")
router.register("members", branch_views.PartyMemberViewSet, basename="member")
router.register("people", cadre_views.PersonViewSet, basename="person")
router.register("posts", cadre_views.PostViewSet, basename="post")
router.register("appraisals", cadre_views.PerformanceAppraisalViewSet, basename="appraisal")
router.register("assessments", cadre_views.AnnualAssessmentViewSet, basename="assessment")
router.register("health-checks", cadre_views.HealthCheckViewSet, basename="health-check")
router.register("policies", subsidy_views.PolicyViewSet, basename="policy")
router.register(
    "performance-standards",
    subsidy_views.PerformanceStandardViewSet,
    basename="performance-standard",
)
router.register("payroll-runs", subsidy_views.PayrollRunViewSet, basename="payroll-run")
router.register("payment-lines", subsidy_views.PaymentLineViewSet, basename="payment-line")
router.register(
    "allowance-applications",
    allowance_api.AllowanceApplicationViewSet,
    basename="allowance-application",
)
router.register("allowance-grants", allowance_api.AllowanceGrantViewSet, basename="allowance-grant")
router.register("award-lists", award_api.AwardListViewSet, basename="award-list")
router.register("courses", training_views.CourseViewSet, basename="course")
router.register("attendances", training_views.AttendanceViewSet, basename="attendance")
router.register("training-logs", training_views.SelfLoggedTrainingViewSet, basename="training-log")
router.register(
    "training-compliance", training_views.ComplianceViewSet, basename="training-compliance"
)
router.register("ledgers", export_api.LedgerViewSet, basename="ledger")
router.register("ledger-exports", export_api.LedgerExportViewSet, basename="ledger-export")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
