from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import audit_views, views
from .params import MonthConverter, PkConverter, YearConverter

# Bounded path values (issue 9 item 6): anything outside is a 404, never a 500.
register_converter(PkConverter, "pk")  # a database id, 1 … 2**63-1
register_converter(YearConverter, "year")  # 1900–2999
register_converter(MonthConverter, "month")  # YYYY-MM of such a year

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("audit/", audit_views.AuditLogView.as_view(), name="audit-log"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("branches.urls")),
    path("", include("cadres.urls")),
    path("payroll/ledgers/", include("subsidies.export_urls")),
    path("payroll/", include("subsidies.urls")),
    path("allowance/", include("subsidies.allowance.urls")),
    path("awards/", include("subsidies.award.urls")),
    path("training/", include("training.urls")),
    path("registry/import/", include("cadres.importer.urls")),
    path("public/", include("subsidies.disclosure.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL (script-src 'self'); Swagger UI's
    # page keeps an inline <style>, so this one page allows inline styles (issue 9).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
