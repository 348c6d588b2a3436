"""Words and numbers on the pages (issue 10): money with thousands separators and two
decimals, status badges coloured by meaning, one set of terms, the right labels."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal.templatetags.portal_tags import money, status_class


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0"), "0.00"),
        (Decimal("0.00"), "0.00"),
        (Decimal("-500.00"), "-500.00"),  # a negative correction keeps its sign
        (Decimal("1234567.8"), "1,234,567.80"),
        (Decimal("25208"), "25,208.00"),
        (Decimal("999.995"), "1,000.00"),  # half up to the cent, as quantize_money
        (Decimal("-1234.5"), "-1,234.50"),
        (1200, "1,200.00"),
        ("3000.5", "3,000.50"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
    ids=repr,
)
def test_money_groups_by_three_with_two_decimals(value, shown):
    """issue 10: not zh-hans's four-digit grouping without a separator."""
    assert money(value) == shown


@pytest.mark.parametrize(
    ("status", "css"),
    [
        ("approved", "ok"),
        ("locked", "ok"),
        ("disbursed", "ok"),
        ("paid", "ok"),
        ("verified", "ok"),
        ("returned", "bad"),
        ("rejected", "bad"),
        ("failed", "bad"),
        ("suspended", "warn"),
        ("pending", "neutral"),
        ("draft", "neutral"),
        ("computed", "neutral"),
        ("", "neutral"),
    ],
)
def test_status_badge_is_coloured_by_meaning(status, css):
    """issue 10: approved is not red, rejected is; a draft is neutral."""
    assert status_class(status) == css


def test_every_workflow_status_has_a_deliberate_colour_or_is_neutral():
    """A status value the table does not know falls back to neutral, never to red."""
    from portal.choices import ImportStatus
    from subsidies.allowance.choices import ApplicationStatus, GrantStatus
    from subsidies.choices import AwardStatus, RunStatus
    from training.choices import EntryStatus

    for choices in (
        RunStatus,
        AwardStatus,
        ApplicationStatus,
        GrantStatus,
        EntryStatus,
        ImportStatus,
    ):
        for value in choices.values:
            assert status_class(value) in {"ok", "bad", "warn", "neutral"}
    assert {status_class(s) for s in ("approved", "locked", "disbursed")} == {"ok"}


LABEL_PAGES = [
    # (url name, words that must show in zh-hans, words that must not)
    ("training:course-add", ["开班日期", "结业日期"], ["任职日期", "离任日期"]),
    ("importer:import-list", ["必填"], ["应达"]),
    (
        "cadres:person-list",
        ["姓名", "性别", "学历", ">全部<"],
        ["名称", "Gender", "Education", "未知"],
    ),
    ("branches:branch-list", [">全部<"], ["未知"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "present", "absent"), LABEL_PAGES, ids=[p[0] for p in LABEL_PAGES])
def test_labels_say_what_they_mean_in_chinese(client, world, url, present, absent):
    """issue 10: a course opens and closes (not a tenure), an import column is 必填, a person
    has a 姓名, the people filters are translated, a yes/no filter left alone reads 全部."""
    client.force_login(world.staff_a)
    page = client.get(reverse(url)).content.decode()
    for word in present:
        assert word in page, word
    for word in absent:
        assert word not in page, word


def test_generated_filter_labels_follow_the_language_of_the_request():
    """issue 10: a generated filter's label is not fixed in whichever language read it first."""
    from cadres.filtersets import PersonFilterSet

    with translation.override("en"):
        assert str(PersonFilterSet.base_filters["gender"].label) == "gender"
    with translation.override("zh-hans"):
        assert str(PersonFilterSet.base_filters["gender"].label) == "性别"
        assert str(PersonFilterSet.base_filters["education"].label) == "学历"


@pytest.mark.django_db
def test_the_portal_is_chinese_whatever_the_browser_asks(client, world):
    """issue 10: a browser asking for English gets Chinese; the switch's choice is kept."""
    client.force_login(world.staff_a)
    url = reverse("cadres:person-list")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "姓名" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 365 * 24 * 60 * 60  # remembered
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page
