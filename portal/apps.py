from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Make the configured Celery app the current one before any task is sent.
        from . import celery  # noqa: F401
        from .audit import register_all
        from .audit_views import may_search_audit
        from .context_processors import add_navigation

        register_all()
        add_navigation(_("Audit trail"), "audit-log", may_search_audit)
