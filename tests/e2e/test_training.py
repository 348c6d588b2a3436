"""A secretary logs 8 hours with a PNG on a phone; township staff approve it in the queue;
the secretary sees it verified and the progress bar moved (SPEC §5)."""

import pytest
from django.urls import reverse

from training.models import SelfLoggedTraining

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_secretary_logs_hours_and_township_verifies(
    world, live_server, phone, page, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    mine = live_server.url + reverse("training:my-training")

    login(phone, world.secretary)
    phone.goto(mine)
    assert phone.get_attribute("#progress", "data-percent") == "0"
    assert phone.get_attribute("#progress", "data-required") == "7.0"
    evidence = phone.locator("input[name=evidence]")
    assert evidence.get_attribute("accept") == "application/pdf,image/jpeg,image/png"
    assert evidence.get_attribute("capture") is not None
    phone.fill("input[name=provider]", "区委党校")
    phone.select_option("select[name=kind]", "centralised")
    phone.fill("input[name=hours]", "8")
    evidence.set_input_files(files=[{"name": "proof.png", "mimeType": "image/png", "buffer": PNG}])
    phone.locator("button[name=log]").click()
    phone.wait_for_selector("#entries li[data-status=pending]")
    # made for a phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    entry = SelfLoggedTraining.objects.get()
    assert entry.person == world.secretary_a and entry.status == "pending"

    login(page, world.staff_a)
    page.goto(live_server.url + reverse("training:queue"))
    # the select-all box (static/portal/portal.js since the CSP, issue 9) ticks the entries
    page.check("input[data-select-all=entry]")
    assert page.is_checked(f"input[name=entry][value='{entry.pk}']")
    page.locator("button[name=decision][value=approve]").click()
    page.wait_for_selector(f"tr[data-entry='{entry.pk}']", state="detached")
    entry.refresh_from_db()
    assert entry.status == "verified"

    phone.goto(mine)
    phone.wait_for_selector(f"#entries li[data-entry='{entry.pk}'][data-status=verified]")
    assert phone.get_attribute("#progress", "data-days") == "1.00"
    assert int(phone.get_attribute("#progress", "data-percent")) == 14  # 8 of 56 hours
    bar = phone.locator(".progress-big > span")
    assert "w-14" in bar.get_attribute("class")  # a class of portal.css, no style attribute
    share = phone.evaluate(
        "(s => s.getBoundingClientRect().width / s.parentElement.clientWidth)"
        "(document.querySelector('.progress-big > span'))"
    )
    assert abs(share - 0.14) < 0.01
