"""The village cadre portal: project package, users and roles, scope, the portal shell.

The Celery app is loaded in ``PortalConfig.ready()`` rather than here, so that importing a
stdlib-only helper such as ``portal.dates`` from a pure rule module pulls in nothing else."""
