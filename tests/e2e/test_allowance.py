"""A living allowance application from declaration to approval in a real Chromium (R-ALW-4):
township staff declare for a former secretary with a scan, the village's secretary passes the
village review, township staff start the township review with an investigator, both
reviewers give their opinions, the committee approves, and the grant is in the ledger."""

from datetime import date

import pytest
from django.urls import reverse

from cadres.validators import make_id_number
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import AllowanceApplication

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n" + b"0" * 128


def test_application_from_declaration_to_approval(world, allowance, live_server, page, login):
    url = live_server.url

    # Filed by one member of the township's staff, reviewed by another (issue 9 item 7).
    login(page, allowance.declarant)
    page.goto(url + reverse("allowance:declare"))
    page.fill("input[name=name]", "郑老书记")
    page.fill("input[name=id_number]", make_id_number("110101", date(1940, 3, 2), 101))
    page.fill("input[name=phone]", "13800001111")
    page.fill("input[name=declared_on]", "2009-04-20")
    page.fill("input[name=tenure-0-start_month]", "1983-01")
    page.fill("input[name=tenure-0-end_month]", "2004-12")
    page.select_option("select[name=tenure-0-end_reason]", "retired")
    page.fill("input[name=referee-0-name]", "赵证明")
    page.fill("input[name=referee-0-relation]", "老同事")
    page.fill("input[name=referee-0-phone]", "13900002222")
    page.locator("input[name=scans]").set_input_files(
        files=[{"name": "declaration.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("button[name=declare]").click()
    page.wait_for_selector("#status[data-status=declared], .errorlist")
    assert page.locator(".errorlist").count() == 0, page.locator(".errorlist").all_inner_texts()
    application = AllowanceApplication.objects.get()
    detail = url + application.get_absolute_url()
    assert page.locator("#eligibility").get_attribute("data-eligible") == "true"
    assert page.locator("#scans a").count() == 1

    login(page, world.secretary)
    page.goto(detail)
    page.fill("#actions textarea[name=comment]", "村党支部研究同意上报")
    page.locator("button[name=step][value=village-review]").click()
    page.wait_for_selector("#status[data-status=village_reviewed]")

    login(page, world.staff_a)
    page.goto(detail)
    page.select_option("select[name=investigator]", str(allowance.investigator.pk))
    page.locator("button[name=step][value=start-review]").click()
    page.wait_for_selector("#status[data-status=township_review]")

    for reviewer, text in (
        (allowance.discipline, "未发现违纪问题"),
        (allowance.comprehensive, "无综治问题"),
    ):
        login(page, reviewer)
        page.goto(url + reverse("allowance:queue"))
        page.locator(f"#queue-opinion tr[data-application='{application.pk}'] a").click()
        page.fill("textarea[name=text]", text)
        page.locator("button[name=record]").click()
        page.wait_for_selector("#queue-opinion")
        assert page.locator(f"tr[data-application='{application.pk}']").count() == 0

    login(page, world.staff_a)
    page.goto(detail)
    assert page.locator("#opinions li").count() == 2
    page.fill("#actions form:has(button[value=approve]) textarea[name=comment]", "镇党委会议通过")
    page.locator("button[name=step][value=approve]").click()
    # approve asks first (issue 10): the confirmation names the person, then confirm
    page.wait_for_selector("#confirm[data-step=approve]")
    assert "郑老书记" in page.locator("#confirm").inner_text()
    page.locator("#confirm-button").click()
    page.wait_for_selector("#status[data-status=approved]")
    assert AllowanceApplication.objects.get().status == S.APPROVED
    assert page.locator("#timeline li").count() >= 6

    page.goto(url + reverse("allowance:grant-list"))
    grant = application.grant
    row = page.locator(f"#grants tr[data-grant='{grant.pk}']")
    assert "郑老书记" in row.inner_text() and "200.00" in row.inner_text()
