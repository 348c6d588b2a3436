from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from portal.choices import Role
        from portal.context_processors import add_navigation

        from . import scopes  # noqa: F401 - registers the scope rules

        add_navigation(
            _("My training"),
            "training:my-training",
            lambda user: user.role == Role.SECRETARY and bool(user.person_id),
        )
        add_navigation(
            _("Training"),
            "training:home",
            lambda user: (
                user.is_superuser
                or user.role in (Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN, Role.FINANCE)
            ),
        )
