from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        from portal.context_processors import add_navigation
        from portal.scope import VIEW, may

        from . import checks, scopes  # noqa: F401
        from .allowance import scopes as allowance_scopes  # noqa: F401
        from .export_views import may_export
        from .models import AllowanceApplication, AwardList, PaymentLine, PayrollRun, Policy

        add_navigation(_("Payroll"), "subsidies:run-list", lambda user: may(user, VIEW, PayrollRun))
        add_navigation(_("Policy"), "subsidies:policy-list", lambda user: may(user, VIEW, Policy))
        add_navigation(
            _("My pay slips"),
            "subsidies:my-slips",
            lambda user: bool(user.person_id) and may(user, VIEW, PaymentLine),
        )
        add_navigation(_("Ledgers"), "ledgers:index", may_export)
        add_navigation(
            _("Living allowance"),
            "allowance:queue",
            lambda user: may(user, VIEW, AllowanceApplication),
        )
        add_navigation(
            _("Award lists"), "awards:award-list", lambda user: may(user, VIEW, AwardList)
        )
