from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        from portal.context_processors import add_navigation

        from . import scopes  # noqa: F401
        from .export_views import may_export

        add_navigation(_("Ledgers"), "ledgers:index", may_export)
