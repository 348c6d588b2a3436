from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import VIEW, may


def navigation(request):
    """Role-aware navigation: an entry shows when the user's role may see its model."""
    from branches.models import Branch, PartyMember, Village
    from cadres.models import Person

    user = getattr(request, "user", None)  # none on a 400 raised before authentication
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Dashboard"), reverse("home"))]
    for label, model, url in (
        (_("Villages"), Village, "branches:village-list"),
        (_("Branches"), Branch, "branches:branch-list"),
        (_("People"), Person, "cadres:person-list"),
        (_("Members"), PartyMember, "branches:member-list"),
    ):
        if may(user, VIEW, model):
            items.append((label, reverse(url)))
    for label, url, check in extra_navigation():
        if check(user):
            items.append((label, reverse(url)))
    return {"nav_items": items}


_EXTRA: list = []


def extra_navigation():
    return list(_EXTRA)


def add_navigation(label, url_name, check):
    """Later apps add their entries (label, url name, predicate on the user), once each."""
    if all(existing != url_name for _label, existing, _check in _EXTRA):
        _EXTRA.append((label, url_name, check))


def notifications(request):
    """The count of the user's unread notifications for the bell in the nav; a callable, so
    the query runs only where a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        from .models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": unread}
