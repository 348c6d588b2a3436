"""System checks of the subsidies app."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from portal.keys import ledger_key_problem


@register(Tags.security)
def ledger_key_check(app_configs=None, **kwargs):
    """SPEC §3: the ledger chain is keyed with LEDGER_KEY. Where it is not set (development,
    demo, tests) a key derived from SECRET_KEY stands in: say so (production refuses to start
    instead, portal.settings.production)."""
    if getattr(settings, "LEDGER_KEY_DERIVED", False):
        return [
            Warning(
                "LEDGER_KEY is not set: the ledger chain is keyed with a key derived from "
                "SECRET_KEY (good enough for development and demos only).",
                hint="Set LEDGER_KEY to a random secret of 32+ characters; see "
                "docs/security.md, 'The ledger key'.",
                id="subsidies.W001",
            )
        ]
    problem = ledger_key_problem(settings.LEDGER_KEY, settings.SECRET_KEY)
    if problem:
        return [Warning(f"LEDGER_KEY {problem}.", id="subsidies.W002")]
    return []
