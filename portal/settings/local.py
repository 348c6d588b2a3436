"""The default: a developer's or demo machine. SQLite and eager Celery unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
