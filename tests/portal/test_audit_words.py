"""The audit page in the user's language and Asia/Shanghai, to the second (issue 10)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from portal import audit
from portal.audit_views import shown_value
from portal.models import User
from subsidies import services
from subsidies.models import PayrollRun

SHANGHAI = ZoneInfo("Asia/Shanghai")


def field(model, name):
    return model._meta.get_field(name)


@pytest.mark.parametrize(
    ("model", "name", "logged", "shown"),
    [
        (PayrollRun, "status", "draft", "草稿"),
        (PayrollRun, "status", "computed", "已计算"),
        (User, "role", "district_admin", "区委组织部管理员"),
        (User, "is_active", "True", "是"),
        (User, "is_active", "False", "否"),
        # auditlog logs a moment as naive UTC with microseconds
        (PayrollRun, "computed_at", "2026-11-03 02:15:30.565534", "2026-11-03 10:15:30"),
        (PayrollRun, "computed_at", "2026-11-03 02:15:30.5+00:00", "2026-11-03 10:15:30"),
        (PayrollRun, "computed_at", "not a moment", "not a moment"),
        (PayrollRun, "computed_at", "None", ""),
        (PayrollRun, "month", "2026-11-01", "2026-11-01"),
        (PayrollRun, "total_amount", "2300.00", "2300.00"),
    ],
)
def test_a_logged_value_is_shown_in_words_and_local_time(model, name, logged, shown):
    with translation.override("zh-hans"):
        assert shown_value(field(model, name), logged) == shown


@pytest.mark.django_db
@pytest.mark.usefixtures("payroll")
def test_the_audit_page_speaks_chinese_in_shanghai_time(client, world):
    """issue 10: 新增/修改 not create/update, 草稿 → 已计算 not draft → computed, and times in
    Asia/Shanghai to the second, never UTC with microseconds."""
    moment = datetime(2026, 11, 3, 10, 15, 30, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
        with audit.acting_as(world.staff_a):
            services.run_compute(run_id=run.pk, user=world.staff_a)
    client.force_login(world.admin)
    page = client.get(reverse("audit-log")).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "新增" in rows and "修改" in rows
    assert ">create<" not in rows and ">update<" not in rows
    assert "<del>草稿</del> → 已计算" in rows
    assert "draft" not in rows.replace("draft→", "")  # a stored record text may keep it
    assert "2026-11-03 10:15:30" in rows
    assert "02:15:30" not in rows
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", rows)
