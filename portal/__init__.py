"""The village cadre portal: project package, users and roles, scope, the portal shell."""

from .celery import app as celery_app

__all__ = ["celery_app"]
