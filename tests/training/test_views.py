"""Training pages: who may open what, scope by id and by URL (evidence), the log form, the
verification queue, compliance with filters and downloads, and bounded query counts."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from training.models import SelfLoggedTraining

from .conftest import PDF, PNG, upload

pytestmark = pytest.mark.django_db

ROLE_PAGES = {
    # url name: roles that may open it
    "training:my-training": {"secretary"},
    "training:queue": {"staff_a"},
    "training:compliance": {"staff_a", "admin"},
    "training:other-cadres": {"staff_a", "admin"},
    "training:district": {"admin", "finance"},
    "training:policy": {"admin"},
    "training:course-list": {"staff_a", "admin", "finance", "secretary"},
}
USERS = ("secretary", "staff_a", "admin", "finance", "reviewer_a")


@pytest.mark.parametrize("url_name", sorted(ROLE_PAGES))
def test_pages_by_role(client, world, url_name):
    for who in USERS:
        client.force_login(getattr(world, who))
        response = client.get(reverse(url_name))
        expected = 200 if who in ROLE_PAGES[url_name] else 403
        assert response.status_code == expected, (who, url_name, response.status_code)
    client.logout()
    assert client.get(reverse(url_name)).status_code == 302


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("secretary", "training:my-training"),
        ("staff_a", "training:queue"),
        ("admin", "training:district"),
        ("finance", "training:district"),
    ],
)
def test_training_home_sends_each_role_to_its_page(client, world, who, target):
    client.force_login(getattr(world, who))
    assert client.get(reverse("training:home"))["Location"] == reverse(target)


def test_nav_shows_the_training_entries(client, world):
    client.force_login(world.secretary)
    page = client.get(reverse("training:my-training")).content.decode()
    assert reverse("training:my-training") in page
    client.force_login(world.staff_a)
    assert reverse("training:home") in client.get(reverse("training:queue")).content.decode()


def log_form(**kw):
    data = {
        "date": "2025-06-02",
        "provider": "区委党校",
        "kind": "centralised",
        "hours": "8",
        "evidence": upload(),
    }
    data.update(kw)
    return data


def test_secretary_logs_on_the_page(client, world):
    client.force_login(world.secretary)
    page = client.get(reverse("training:my-training")).content.decode()
    assert 'accept="application/pdf,image/jpeg,image/png"' in page and "capture" in page
    response = client.post(reverse("training:my-training"), log_form())
    assert response.status_code == 302
    entry = SelfLoggedTraining.objects.get()
    assert entry.person == world.secretary_a
    page = client.get(reverse("training:my-training")).content.decode()
    assert f'data-entry="{entry.pk}" data-status="pending"' in page


def test_a_secretary_cannot_log_for_someone_else(client, world):
    other = f.PersonFactory(village=world.village_b)
    client.force_login(world.secretary)
    client.post(reverse("training:my-training"), log_form(person=other.pk, person_id=other.pk))
    assert SelfLoggedTraining.objects.get().person == world.secretary_a
    assert not SelfLoggedTraining.objects.filter(person=other).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": (date.today() + timedelta(days=3)).isoformat()}, "date"),
        ({"hours": "13"}, "hours"),
        ({"evidence": upload(b"GIF89a....", name="x.png")}, "evidence"),
    ],
)
def test_page_refusals_show_the_message_and_save_nothing(client, world, changes, field):
    client.force_login(world.secretary)
    response = client.post(reverse("training:my-training"), log_form(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SelfLoggedTraining.objects.exists()


def test_the_duplicate_refusal_on_the_page(client, world):
    client.force_login(world.secretary)
    client.post(reverse("training:my-training"), log_form())
    response = client.post(reverse("training:my-training"), log_form())
    assert response.context["form"].non_field_errors() == [
        "This training is already logged (same date, provider, kind and hours)."
    ]
    assert SelfLoggedTraining.objects.count() == 1


# --- evidence: served only to users whose scope covers the entry -------------------------------


@pytest.fixture
def entries(world):
    other_secretary = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=other_secretary, village=world.village_b, start_date=date(2019, 1, 1))
    own = f.SelfLoggedTrainingFactory(person=world.secretary_a)
    other = f.SelfLoggedTrainingFactory(
        person=other_secretary,
        evidence=f.factory.django.FileField(filename="o.pdf", data=PDF),
        evidence_type="application/pdf",
    )
    return {
        "own": own,
        "other": other,
        "other_user": f.secretary_user(other_secretary, username="secretary_b"),
    }


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("secretary", 200, 404),
        ("staff_a", 200, 404),
        ("staff_b", 404, 200),
        ("admin", 200, 200),
        ("finance", 404, 404),
        ("reviewer_a", 404, 404),
    ],
)
def test_evidence_by_id(client, world, entries, who, own, other):
    client.force_login(getattr(world, who))
    for key, expected in (("own", own), ("other", other)):
        response = client.get(reverse("training:evidence", args=[entries[key].pk]))
        assert response.status_code == expected, (who, key)


def test_evidence_headers(client, world, entries):
    client.force_login(world.admin)
    image = client.get(reverse("training:evidence", args=[entries["own"].pk]))
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(PNG[:8])
    pdf = client.get(reverse("training:evidence", args=[entries["other"].pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_not_reachable_by_its_storage_url(client, world, entries, settings):
    client.force_login(world.secretary)
    name = entries["other"].evidence.name
    for url in (settings.MEDIA_URL + name, "/media/" + name, "/static/" + name, "/" + name):
        assert client.get(url).status_code == 404, url


def test_another_secretary_cannot_withdraw_or_see_my_entries(client, world, entries):
    client.force_login(entries["other_user"])
    page = client.get(reverse("training:my-training")).content.decode()
    assert f'data-entry="{entries["own"].pk}"' not in page
    response = client.post(reverse("training:entry-withdraw", args=[entries["own"].pk]))
    assert response.status_code == 404
    assert SelfLoggedTraining.objects.filter(pk=entries["own"].pk).exists()


# --- the verification queue ----------------------------------------------------------------------


def test_queue_lists_pending_entries_of_the_township_and_approves_in_bulk(client, world, entries):
    second = f.SelfLoggedTrainingFactory(person=world.secretary_a, date=date(2025, 6, 3))
    client.force_login(world.staff_a)
    response = client.get(reverse("training:queue"))
    listed = {e.pk for e in response.context["object_list"]}
    assert listed == {entries["own"].pk, second.pk}
    response = client.post(
        reverse("training:queue"),
        {"entry": [entries["own"].pk, second.pk], "decision": "approve"},
    )
    assert response.status_code == 302
    assert set(
        SelfLoggedTraining.objects.filter(person=world.secretary_a).values_list("status", flat=True)
    ) == {"verified"}
    assert not client.get(reverse("training:queue")).context["object_list"]


def test_queue_reject_needs_a_reason(client, world, entries):
    client.force_login(world.staff_a)
    url = reverse("training:queue")
    client.post(url, {"entry": [entries["own"].pk], "decision": "reject", "reason": ""})
    entries["own"].refresh_from_db()
    assert entries["own"].status == "pending"
    client.post(url, {"entry": [entries["own"].pk], "decision": "reject", "reason": "看不清"})
    entries["own"].refresh_from_db()
    assert (entries["own"].status, entries["own"].reject_reason) == ("rejected", "看不清")


def test_queue_refuses_another_townships_entry(client, world, entries):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("training:queue"), {"entry": [entries["other"].pk], "decision": "approve"}
    )
    assert response.status_code == 403
    entries["other"].refresh_from_db()
    assert entries["other"].status == "pending"


def test_queue_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.staff_a)
    for n in range(3):
        f.SelfLoggedTrainingFactory(person=world.secretary_a, date=date(2025, 1, 1 + n))
    with django_assert_max_num_queries(12):
        client.get(reverse("training:queue"))
    for n in range(30):
        person = f.PersonFactory(village=world.village_a)
        f.SelfLoggedTrainingFactory(person=person, date=date(2025, 2, 1 + n % 28))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:queue"), {"per_page": 50})
    assert len(response.context["object_list"]) == 33


def test_my_training_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.secretary)
    for n in range(25):
        f.SelfLoggedTrainingFactory(person=world.secretary_a, date=date(2025, 1, 1 + n))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("training:my-training"))
    assert len(response.context["entries"]) == 20


# --- compliance, district, other cadres ---------------------------------------------------------


@pytest.fixture
def township_a(world):
    """Three serving secretaries in township A: one compliant, two behind."""
    people = [world.secretary_a]
    for n in range(2):
        village = f.VillageFactory(township=world.town_a, code=f"V-A{n + 2}", name=f"{n}号村")
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village, start_date=date(2018, 1, 1))
        people.append(person)
    year = timezone.localdate().year
    course = f.CourseFactory(
        township=world.town_a,
        hours=D("56"),
        start_date=date(year, 1, 5),
        end_date=date(year, 1, 11),
    )
    f.AttendanceFactory(course=course, person=people[1])
    return people


def test_compliance_table_filters(client, world, township_a):
    client.force_login(world.staff_a)
    url = reverse("training:compliance")
    rows = client.get(url).context["rows"]
    assert [r.person for r in rows] == township_a
    assert [r.person for r in client.get(url, {"compliant": "yes"}).context["rows"]] == [
        township_a[1]
    ]
    assert len(client.get(url, {"compliant": "no"}).context["rows"]) == 2
    village = township_a[2].village
    assert [r.person for r in client.get(url, {"village": village.pk}).context["rows"]] == [
        township_a[2]
    ]
    # another township's village is not a filter they may use: ignored, never widened
    rows = client.get(url, {"village": world.village_b.pk}).context["rows"]
    assert [r.person for r in rows] == township_a
    page = client.get(url).content.decode()
    assert 'id="village-chart"' in page and 'class="w-100"' in page  # a CSS class (CSP)


def test_compliance_downloads(client, world, township_a):
    client.force_login(world.staff_a)
    response = client.get(reverse("training:compliance"), {"format": "csv", "compliant": "no"})
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3 and rows[1][-1] == "no"
    response = client.get(reverse("training:compliance"), {"format": "xlsx"})
    assert response.content[:2] == b"PK"


def test_compliance_query_count_does_not_grow(
    client, world, township_a, django_assert_max_num_queries
):
    client.force_login(world.admin)
    with django_assert_max_num_queries(14):
        client.get(reverse("training:compliance"))
    for _n in range(20):
        village = f.VillageFactory(township=world.town_b)
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village)
        f.SelfLoggedTrainingFactory(person=person, status="verified")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:compliance"))
    assert response.context["total"] == 23


def test_district_report(client, world, township_a, django_assert_max_num_queries):
    client.force_login(world.admin)
    with django_assert_max_num_queries(18):  # constant: no query per township or person
        response = client.get(reverse("training:district"))
    summaries = response.context["summaries"]
    assert [(s.township, s.secretaries, s.compliant) for s in summaries] == [
        (world.town_a, 3, 1),
        (world.town_b, 0, 0),
    ]
    page = response.content.decode()
    assert 'id="township-chart"' in page and 'id="budget-' in page
    client.force_login(world.finance)
    assert client.get(reverse("training:district")).status_code == 200


def test_other_cadres_page(client, world):
    director = f.PersonFactory(village=world.village_a, name="王主任")
    f.PostFactory(person=director, village=world.village_a, role="director")
    client.force_login(world.staff_a)
    response = client.get(reverse("training:other-cadres"))
    assert [p.person for p in response.context["posts"]] == [director]


# --- policy and years ---------------------------------------------------------------------------


def test_policy_page_saves_values_and_closes_years(client, world):
    client.force_login(world.admin)
    url = reverse("training:policy")
    response = client.post(
        url,
        {
            "action": "policy",
            "year": "2025",
            "hours_per_day": "8",
            "required_days": "6",
            "budget_per_secretary": "350",
            "reminder_month": "10",
            "reminder_day": "1",
        },
    )
    assert response.status_code == 302
    assert world.district.training_policies.get().required_days == D("6")
    client.post(url, {"action": "year", "year": "2025", "close": "1"})
    assert world.district.training_years.get(year=2025).closed
    client.post(url, {"action": "year", "year": "2025", "close": "0"})
    assert not world.district.training_years.get(year=2025).closed
    client.force_login(world.staff_a)
    assert client.post(url, {"action": "year", "year": "2025", "close": "1"}).status_code == 403


# --- notifications --------------------------------------------------------------------------------


def test_notifications_bell_and_page(client, world):
    from portal.services import notification_send

    notice = notification_send(recipient=world.secretary, text="请完成培训")
    notification_send(recipient=world.staff_a, text="别人的")
    client.force_login(world.secretary)
    page = client.get(reverse("training:my-training")).content.decode()
    assert 'data-unread="1"' in page
    response = client.get(reverse("notifications"))
    assert [n.text for n in response.context["object_list"]] == ["请完成培训"]
    client.post(reverse("notifications"), {"id": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-unread="0"' in client.get(reverse("notifications")).content.decode()
    assert world.staff_a.notifications.get().read_at is None
