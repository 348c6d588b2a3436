"""Browser tests: Debian's Chromium driven by Python Playwright against ``live_server``.

Never ``playwright install``: the browser is /usr/bin/chromium (``apt-get install
chromium``); without it every browser test is skipped with the reason. Reusable fixtures:
``browser`` (one per session), ``page`` (desktop), ``phone`` (390×844, touch) and
``login(page, user)``.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


def _watch_csp(page) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on the console (issue 9): a
    page that still needs an inline script or style shows here."""
    violations: list[str] = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = _watch_csp(page)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    violations = _watch_csp(phone)
    yield phone
    context.close()
    assert not violations, violations


@pytest.fixture
def login(live_server):
    """``login(page, user)``: log in through the login form and wait for the next page."""

    def do_login(page, user, password=PASSWORD):
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: reverse("login") not in url)
        return page

    return do_login
