"""DRF authentication that names the authenticated user in the audit trail (issue 9 item 3).

django-auditlog's middleware takes the actor from ``request.user`` before any view runs; DRF
authenticates a token only later, inside the view, so every token write was logged without
an actor. These classes are DRF's own, and on success they put the user into the request's
auditlog context (:func:`portal.audit.name_actor`), for token and session alike."""

from drf_spectacular.authentication import SessionScheme, TokenScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from portal.audit import name_actor


class _NamesActor:
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            name_actor(result[0])
        return result


class AuditedSessionAuthentication(_NamesActor, SessionAuthentication):
    pass


class AuditedTokenAuthentication(_NamesActor, TokenAuthentication):
    pass


# The OpenAPI schema describes them as DRF's own classes (drf-spectacular resolves an
# authenticator through an extension registered for its exact class).
class AuditedSessionScheme(SessionScheme):
    target_class = AuditedSessionAuthentication


class AuditedTokenScheme(TokenScheme):
    target_class = AuditedTokenAuthentication
