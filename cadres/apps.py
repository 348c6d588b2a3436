from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Cadres")

    def ready(self):
        from portal.context_processors import add_navigation, extra_navigation
        from portal.scope import CHANGE, may

        from .models import Person

        if not any(url == "importer:import-list" for _label, url, _check in extra_navigation()):
            add_navigation(
                _("Import"), "importer:import-list", lambda user: may(user, CHANGE, Person)
            )
