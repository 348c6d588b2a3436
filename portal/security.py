"""Hardening against misuse (issue 6): the client's address behind a reverse proxy, the
lock-out page of django-axes, and the audit middleware."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or — behind ``TRUSTED_PROXY_COUNT`` reverse proxies
    that each append to X-Forwarded-For — the address the outermost proxy saw. The left-most
    entries of the header are the client's own word and are never trusted."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the login page with a clear message,
    HTTP 429 (Too Many Requests) and Retry-After (the cool-off, in seconds)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = seconds // 60
    message = _(
        "Too many failed logins: this account is locked for %(minutes)s minutes from this "
        "address. Wait, or ask the district administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        response = JsonResponse({"detail": message}, status=429)
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with the portal's idea of the client's address, and left
    out of the public pages: they write nothing, and must not touch the session (they are
    cached by proxies)."""

    PUBLIC_PREFIXES = ("/public/", "/static/", "/healthz")

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    def __call__(self, request):
        if request.path.startswith(self.PUBLIC_PREFIXES):
            return self.get_response(request)
        return super().__call__(request)
