"""The phone menu button (issue 10, smaller things): hidden on a desktop, shown on a phone."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.e2e


def test_the_menu_button_shows_on_a_phone_only(world, live_server, page, phone, login):
    login(page, world.staff_a)
    page.goto(live_server.url + reverse("home"))
    assert not page.locator(".menu-button").is_visible()
    assert page.locator("nav.portal-nav ul.menu-items").is_visible()
    login(phone, world.staff_a)
    phone.goto(live_server.url + reverse("home"))
    assert phone.locator(".menu-button").is_visible()
